"""The Textual console of wipestation."""
