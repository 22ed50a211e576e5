"""The shop's stock of drives: the pool of backup drives and their life (`pool`), each drive's health from SMART
and from its erasures (`health`), and the labels and shelf checks that find a drive in the store room
(`labels`). Stock reads records (which drive holds what) and never writes documents."""
