"""Bundles: age v1 encryption, the signed manifest, writer and verifying reader."""
