"""Cluster providers: one interface (provider.py), one module per runtime."""
