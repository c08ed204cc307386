"""Readers of published classification files: each turns a folder or file into a `ReleaseBundle`."""
