"""Concrete lab: real certificates, keys, tokens and TLS."""
