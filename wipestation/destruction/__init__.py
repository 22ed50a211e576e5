"""The physical destruction of a drive (abandoned disks after 3 calendar months, failed or retired shop drives):
recording who destroyed what, how, to which DIN 66399 level and with what evidence (`destroying`), the levels
and their rules (`levels`), and the certificate that follows. The sibling of `erasure`."""
