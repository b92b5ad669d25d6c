"""Training: fictional scenarios, a sandbox profile, and scoring of a trainee's answers."""
