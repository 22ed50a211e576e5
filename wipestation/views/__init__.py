"""The read side: frozen views of what the CLI and the console show, built from a Session.

The CLI formats them as text or JSON (`to_dict()`), the console as widgets; nothing else queries the
store for display. A new screen or listing gets its view here first.
"""

from __future__ import annotations

from wipestation.records.history import ErasureEntry, recent_erasures
from wipestation.views.certificates import CertificateView, SendView, certificate_list, certificates_of_record
from wipestation.views.customers import CustomerDetail, CustomerView, customer_detail, customer_list
from wipestation.views.detail import EventView, RecordDetail, record_detail, record_events
from wipestation.views.drives import AttachedDrive, DriveStatus, KnownDrive, attached_drive, drive_status, known_drive
from wipestation.views.records import (
    DriveInfo,
    DuePage,
    HoldView,
    RecordView,
    due_list,
    due_page,
    record_list,
    record_view,
    records_of_customer,
    records_of_drive,
    select_records,
)

__all__ = [
    "AttachedDrive",
    "CertificateView",
    "CustomerDetail",
    "CustomerView",
    "DriveInfo",
    "DriveStatus",
    "DuePage",
    "ErasureEntry",
    "EventView",
    "HoldView",
    "KnownDrive",
    "RecordDetail",
    "RecordView",
    "SendView",
    "attached_drive",
    "certificate_list",
    "certificates_of_record",
    "customer_detail",
    "customer_list",
    "drive_status",
    "due_list",
    "due_page",
    "known_drive",
    "recent_erasures",
    "record_detail",
    "record_events",
    "record_list",
    "record_view",
    "records_of_customer",
    "records_of_drive",
    "select_records",
]
