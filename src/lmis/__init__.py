"""LMIS: an open-source labour market information system."""

__version__ = "0.1.0"
