"""Synthetic demo and benchmark data: a clearly labelled fake labour market written as partner feeds."""
