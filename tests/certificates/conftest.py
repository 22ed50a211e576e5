"""Fixtures for the certificate tests: shop keys made once per session, records as ORM rows,
and ready-made certificate data."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from certificates.keys import ShopKeyPaths, create_shop_key
from certificates.plugin import PdfCertificateRenderer
from tests.fakes import FakeClock
from wipestation.common.config import CertificatesConfig, Config, ShopConfig
from wipestation.common.env import Env
from wipestation.common.erasure_details import ErasureDetails
from wipestation.documents.certify import (
    CertificateData,
    CustomerRef,
    DataSetFacts,
    DestructionFacts,
    DriveFacts,
    ErasureFacts,
    Evidence,
    Issuer,
)
from wipestation.store.models import (
    CustodyKind,
    CustodyRecord,
    CustodyState,
    Customer,
    Drive,
    DriveOwner,
    Erasure,
    ErasureOutcome,
)

SHOP = ShopConfig(
    name="SOMCOM Reparatie & Co",
    address="Europaweg Noord 5, 9403 BC Assen",
    kvk="01234567",
    contact="info@somcom.nl, 0592-308260",
)


@dataclass(frozen=True)
class KeyFiles:
    key: Path
    cert: Path


def _make_key(directory: Path, name: str) -> KeyFiles:
    paths = ShopKeyPaths(directory / f"{name}-key.pem", directory / f"{name}-cert.pem", create=True)
    create_shop_key(paths, name)
    return KeyFiles(paths.key, paths.cert)


@pytest.fixture(scope="session")
def shop_key(tmp_path_factory: pytest.TempPathFactory) -> KeyFiles:
    return _make_key(tmp_path_factory.mktemp("keys"), "shop")


@pytest.fixture(scope="session")
def other_key(tmp_path_factory: pytest.TempPathFactory) -> KeyFiles:
    return _make_key(tmp_path_factory.mktemp("other-keys"), "other")


def config_for(data_dir: Path, key: KeyFiles, **certificates: Any) -> Config:
    return Config(
        shop=SHOP,
        data_dir=data_dir,
        certificates=dataclasses.replace(
            CertificatesConfig(key_path=str(key.key), cert_path=str(key.cert)), **certificates
        ),
    )


@pytest.fixture
def config(tmp_path: Path, shop_key: KeyFiles) -> Config:
    """Overrides the root fixture: the session's shop key, so no test waits for key generation."""
    return config_for(tmp_path / "data", shop_key)


@pytest.fixture
def renderer(config: Config) -> PdfCertificateRenderer:
    return PdfCertificateRenderer(config)


@pytest.fixture
def other_renderer(tmp_path: Path, other_key: KeyFiles) -> PdfCertificateRenderer:
    return PdfCertificateRenderer(config_for(tmp_path / "other", other_key))


@pytest.fixture
def zbar() -> Iterator[None]:
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install poppler-utils zbar-tools)")
    yield


# --- Data objects --------------------------------------------------------------------------------


def erasure_data(**changes: object) -> CertificateData:
    data = CertificateData(
        kind="erasure",
        number="WS-2026-000042",
        issued_at=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
        issuer=Issuer(name=SHOP.name, address=SHOP.address, kvk=SHOP.kvk, contact=SHOP.contact),
        customer=CustomerRef(name="Zoë Ærøskøbing-Müller", job_ref="JOB-2026-0815"),
        drive=DriveFacts(
            manufacturer="Seagate",
            model="ST500DM002-1BD142",
            serial="Z3TX1234",
            capacity_bytes=500_107_862_016,
            firmware="KC48",
            bus="usb",
            media="hdd",
            host_computer=None,
        ),
        technician="Jan de Vries",
        erasure=ErasureFacts(
            backup_made_on=date(2026, 10, 20),
            retention_rule="retention-period",
            retention_days=30,
            due_on=date(2026, 11, 19),
            nist_category="Clear",
            method="zero",
            technique="overwrite, 1 pass, zeros",
            passes=1,
            tool="wipestation 0.1.0",
            hpa_dco="HPA: none; DCO: none",
            started_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
            ended_at=datetime(2026, 11, 25, 10, 2, 3, tzinfo=UTC),
            duration_seconds=3723,
            bytes_total=500_107_862_016,
            bytes_written=500_107_862_016,
            bytes_verified=50_010_786_201,
            errors=0,
            verify_method="sample",
            verify_result="passed",
            verify_seed="9f2c61d0",
            verify_coverage_percent="10.00",
            destination="backup-pool",
        ),
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def destruction_data(**changes: object) -> CertificateData:
    data = erasure_data(
        kind="destruction",
        number="WS-2026-000043",
        erasure=None,
        drive=DriveFacts(
            manufacturer="Samsung",
            model="SSD 860 EVO 250GB",
            serial="S3YJNB0K123456",
            capacity_bytes=250_059_350_016,
            firmware="RVT02B6Q",
            bus="ata",
            media="ssd",
            host_computer="HP ProBook 450 G5",
        ),
        technician="Jan de Vries",
        destruction=DestructionFacts(
            abandoned_on=date(2026, 8, 1),
            retention_end=date(2026, 11, 1),
            received_on=date(2026, 7, 15),
            storage_location="Kast B, plank 3",
            seal_number="SEAL-0099",
            serial_rescanned=True,
            method="shred",
            equipment="HSM Powerline HDS 230",
            protection_class=3,
            level="E-4",
            particle_size="<= 30 mm²",
            prior_erasure=None,
            place="in-house",
            operator="Jan de Vries",
            witness="Piet Jansen",
            destroyed_on=date(2026, 11, 25),
            batch="D-20261125-abcdef12",
            early_reason=None,
            lower_level_reason=None,
            evidence=(Evidence(file="D-20261125-abcdef12/01-photo.jpg", sha256="ab" * 32),),
        ),
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


# --- Records in a store --------------------------------------------------------------------------


@dataclass
class Shop:
    """Inserts ORM rows directly: customers, drives, custody records, erasures."""

    sessions: sessionmaker[Session]
    env: Env
    clock: FakeClock

    def customer(self, name: str = "Zoë Müller") -> int:
        with self.sessions.begin() as s:
            c = Customer(name=name, created_at=self.env.now(), updated_at=self.env.now())
            s.add(c)
            s.flush()
            return c.id

    def record(
        self,
        serial: str,
        *,
        kind: CustodyKind = CustodyKind.ABANDONED,
        media: str = "hdd",
        bus: str = "ata",
        started_on: date = date(2026, 7, 1),
        due_on: date = date(2026, 10, 1),
        customer_id: int | None = None,
        job_ref: str | None = "JOB-1",
    ) -> int:
        customer_id = customer_id or self.customer()
        with self.sessions.begin() as s:
            drive = Drive(
                serial=serial,
                vendor="Seagate" if media == "hdd" else "Samsung",
                model="Barracuda" if media == "hdd" else "860 EVO",
                capacity_bytes=500_000_000_000,
                bus=bus,
                media=media,
                owner=DriveOwner.CUSTOMER if kind is CustodyKind.ABANDONED else DriveOwner.SHOP,
                erase_count=0,
                created_at=self.env.now(),
            )
            s.add(drive)
            s.flush()
            record = CustodyRecord(
                kind=kind,
                state=CustodyState.STORED if kind is CustodyKind.ABANDONED else CustodyState.HOLDING,
                drive_id=drive.id,
                customer_id=customer_id,
                job_ref=job_ref,
                started_on=started_on,
                due_on=due_on,
                location="Kast B",
                host_computer="HP ProBook",
                created_at=datetime(2026, 7, 1, 10, 0, tzinfo=UTC),
                created_by="tester",
            )
            s.add(record)
            s.flush()
            return record.id

    def erasure(self, record_id: int, *, outcome: ErasureOutcome = ErasureOutcome.SUCCEEDED) -> int:
        with self.sessions.begin() as s:
            record = s.get(CustodyRecord, record_id)
            assert record is not None
            erasure = Erasure(
                drive_id=record.drive_id,
                record_id=record.id,
                device_path="/dev/sdz",
                method="zero",
                passes=1,
                nist_category="Clear",
                verify_mode="full",
                verify_result="passed",
                bytes_total=500_000_000_000,
                bytes_written=500_000_000_000,
                bytes_verified=500_000_000_000,
                bad_ranges=[],
                outcome=outcome,
                tool="wipestation 0.1.0",
                technician="Jan",
                started_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
                ended_at=datetime(2026, 11, 25, 11, 0, tzinfo=UTC),
                details=ErasureDetails(),
            )
            s.add(erasure)
            s.flush()
            return erasure.id


@pytest.fixture
def shop(sessions: sessionmaker[Session], env: Env, clock: FakeClock) -> Shop:
    return Shop(sessions, env, clock)


def data_set_data(**changes: object) -> CertificateData:
    """An erasure certificate whose scope is one backup on a shared pool drive (issue 27)."""
    data = erasure_data(
        number="WS-2026-000044",
        erasure=None,
        drive=DriveFacts(
            manufacturer="Western Digital",
            model="WD40EFRX",
            serial="WD-POOL-0001",
            capacity_bytes=4_000_787_030_016,
            firmware="82.00A82",
            bus="usb",
            media="hdd",
            host_computer=None,
        ),
        data_set=DataSetFacts(
            backup_ref="17",
            customer_id=4,
            job_ref="JOB-2026-0815",
            files=48_213,
            bytes=73_400_320_000,
            made_at=datetime(2026, 10, 20, 14, 0, tzinfo=UTC),
            erased_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
            key_destroyed="overwritten-in-place-read-back",
            objects_overwritten=2_190,
            bytes_overwritten=73_512_000_000,
            retention_rule="retention-period",
            retention_days=30,
        ),
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]
