"""The shared kernel: errors, ids, text normalisation, delimited files and paging. Imports nothing else from lmis."""
