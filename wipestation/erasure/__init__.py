"""The erasure engine: block-device I/O, overwrite methods, verification, firmware commands and
the erasure's records (see engine.py, firmware.py, service.py).

Nothing is imported here, so that reading the erasure records (service.py) loads no cipher or block I/O.
"""
