"""Running the shop's workstations: setting one up (`workstation`, `workstation_files`, the privileged `helper`),
finding what is missing (`doctor`, `doctor_work`, `dependencies`), the morning list (`digest`), backing up and
copying the records' database (`dbbackup`, `dbcopy`), checking the records against the audit chain
(`audit_check`) and the demo database (`demo`). The shop uses
every context below it; none of them uses the shop."""
