"""Records and their rules: custody of a drive from registration to its end (`custody`, `registration`), when a
record falls due (`retention`: 30 days for a backup, 3 calendar months for an abandoned disk, holds), the
customers and their rights to see, correct, export and be anonymised (`customers`, `privacy`), and the drive's
erasure history (`history`). The services here take a Session and never open one."""
