"""What the shop hands out: certificates of erasure and destruction (`certify`: numbering, issuing, storing,
verifying; the PDF renderer itself is the outer `certificates` package, reached through an entry point),
sending them by mail (`sending`, `mail`), revoking them (`revocations`), and the static page customers check
them on (`site`). Documents read records and stock; they never change a drive's state."""
