"""Backups that wipestation makes itself, on shared pool drives (issue 27; docs/backups.md).

This package owns: the pool drive's layout (a raw key area of AF-split, shop-key-wrapped slots beside an
ext4 file system of ciphertext objects), the age-v1 payload encryption of every object, making a backup
from a folder or a read-only mounted partition, restoring it, checking a restore against its manifest,
and erasing one backup cryptographically while the others on the same drive stay readable. Records and
their states stay with `wipestation.records.custody`; this package calls its transitions.
"""
