"""What every context shares and nothing above it owns: the configuration, errors, translations, words and units,
the clock and environment, the checks of values from outside (`inputs`), and the seams to the machine: `commands`
for outside tools, `devices` for block devices, `files` for the data folder and `leftovers` for what a crash left
in it, `plugins` for entry points. Nothing here knows of records, drives or documents, and nothing here imports
another context."""
