"""Signed PDF certificates for wipestation (reportlab + pyHanko), behind the core's
`CertificateRenderer` Protocol and registered through the `wipestation.certificates` entry point."""
