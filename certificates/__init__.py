"""Signed PDF certificates for wipestation (reportlab + pyHanko), behind the core's
`CertificateRenderer` Protocol and registered through the `wipestation.certificates` entry point."""

from certificates.libraries import quiet_library_notices

quiet_library_notices()  # before any module of this package loads pyHanko or pypdf
