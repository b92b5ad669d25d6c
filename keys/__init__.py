"""Device identities, fingerprints and identity cards (pure: no storage, no UI)."""
