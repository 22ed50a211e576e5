// The shop's certificate check: everything happens in this browser; nothing is uploaded.
"use strict";

const TEXT = {
  nl: {
    title: "Certificaat controleren",
    loading: "Bezig met controleren…",
    idle: "Scan de QR-code op het certificaat, of zet het PDF-bestand hieronder neer.",
    genuine: "Echt: dit certificaat is door de winkel uitgegeven",
    revoked: "Ingetrokken: de winkel heeft dit certificaat ingetrokken",
    unknown: "Onbekend: dit certificaat is niet door deze winkel gepubliceerd, of het is gewijzigd",
    altered: "Gewijzigd: dit bestand is niet het bestand dat de winkel heeft uitgegeven",
    explainGenuine: "Het nummer en de hash uit de QR-code horen bij een certificaat dat de winkel heeft gepubliceerd. Zet ook het PDF-bestand hieronder neer om te controleren dat het bestand zelf niet is gewijzigd.",
    explainUnknown: "Controleer of u de volledige link van de QR-code hebt geopend. Klopt die, dan is het certificaat vervalst of gewijzigd.",
    explainRevoked: "Reden: ",
    kind: "Soort", erasure: "Gegevensverwijdering", destruction: "Vernietiging",
    number: "Nummer", issued: "Uitgegeven op", drive: "Gegevensdrager", serial: "Serienummer",
    method: "Methode", result: "Resultaat", passed: "geslaagd", exceptions: "geslaagd met uitzonderingen",
    failed: "mislukt", destroyed: "vernietigd", level: "niveau",
    drop: "Zet het PDF-bestand van het certificaat hier neer, of kies het. Uw browser berekent de SHA-256 van het bestand en vergelijkt die met wat de winkel heeft gepubliceerd.",
    choose: "PDF-bestand kiezen",
    fileOk: "Dit PDF-bestand is precies het bestand dat de winkel heeft uitgegeven.",
    fileBad: "Dit PDF-bestand wijkt af van wat de winkel heeft uitgegeven: het is gewijzigd.",
    fileUnknown: "Dit PDF-bestand kent de winkel niet: het is gewijzigd of niet door deze winkel uitgegeven.",
    fileRevoked: "Dit PDF-bestand is het bestand dat de winkel uitgaf, maar de winkel heeft het certificaat ingetrokken: het geldt niet meer.",
    unavailable: "Kan nu niet worden gecontroleerd: de gegevens van de winkel zijn niet bereikbaar",
    explainUnavailable: "Dat zegt niets over de echtheid van het certificaat. Open de link van de QR-code opnieuw wanneer u verbinding hebt, of controleer het bestand met wipestation certificate verify.",
    methods: {
      zero: "overschrijven met nullen", ones: "overschrijven met enen", random: "overschrijven met willekeurige gegevens",
      "zero-verify-2pass": "twee keer overschrijven met controle", "dod-3pass": "drie keer overschrijven (DoD 5220.22-M)",
      "ata-secure-erase": "ATA Secure Erase (opdracht van de schijf zelf)", "ata-sanitize": "ATA Sanitize (opdracht van de schijf zelf)",
      "nvme-format": "NVMe Format (opdracht van de schijf zelf)", "nvme-sanitize": "NVMe Sanitize (opdracht van de schijf zelf)",
      "scsi-sanitize": "SCSI Sanitize (opdracht van de schijf zelf)",
      shred: "versnipperen", disintegrate: "desintegreren", crush: "verpletteren", drill: "doorboren / ponsen", degauss: "demagnetiseren",
    },
    privacy: "Deze pagina bevat geen persoonsgegevens. Het bestand wordt niet verstuurd.",
    fp: "Vingerafdruk (SHA-256) van de sleutel waarmee de winkel tekent:",
    months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
  },
  en: {
    title: "Check a certificate",
    loading: "Checking…",
    idle: "Scan the QR code on the certificate, or drop its PDF file below.",
    genuine: "Genuine: this certificate was issued by the shop",
    revoked: "Revoked: the shop withdrew this certificate",
    unknown: "Unknown: this certificate was not published by this shop, or it was altered",
    altered: "Altered: this file is not the file the shop issued",
    explainGenuine: "The number and hash from the QR code belong to a certificate the shop published. Drop the PDF file below too, to check that the file itself was not changed.",
    explainUnknown: "Check that you opened the whole link of the QR code. If it is right, the certificate is forged or altered.",
    explainRevoked: "Reason: ",
    kind: "Kind", erasure: "Data erasure", destruction: "Destruction",
    number: "Number", issued: "Issued on", drive: "Storage device", serial: "Serial number",
    method: "Method", result: "Result", passed: "passed", exceptions: "passed with exceptions",
    failed: "failed", destroyed: "destroyed", level: "level",
    drop: "Drop the certificate's PDF file here, or choose it. Your browser computes the file's SHA-256 and compares it with what the shop published.",
    choose: "Choose PDF file",
    fileOk: "This PDF file is exactly the file the shop issued.",
    fileBad: "This PDF file differs from what the shop issued: it was altered.",
    fileUnknown: "The shop does not know this PDF file: it was altered or not issued by this shop.",
    fileRevoked: "This PDF file is the file the shop issued, but the shop revoked the certificate: it is no longer valid.",
    unavailable: "Cannot be checked right now: the shop's records cannot be reached",
    explainUnavailable: "This says nothing about whether the certificate is genuine. Open the QR code's link again when you are online, or check the file with wipestation certificate verify.",
    methods: {
      zero: "overwriting with zeros", ones: "overwriting with ones", random: "overwriting with random data",
      "zero-verify-2pass": "two verified overwriting passes", "dod-3pass": "three overwriting passes (DoD 5220.22-M)",
      "ata-secure-erase": "ATA Secure Erase (the drive's own command)", "ata-sanitize": "ATA Sanitize (the drive's own command)",
      "nvme-format": "NVMe Format (the drive's own command)", "nvme-sanitize": "NVMe Sanitize (the drive's own command)",
      "scsi-sanitize": "SCSI Sanitize (the drive's own command)",
      shred: "shredding", disintegrate: "disintegration", crush: "crushing", drill: "drilling / punching", degauss: "degaussing",
    },
    privacy: "This page holds no personal data. The file is not uploaded.",
    fp: "Fingerprint (SHA-256) of the key the shop signs with:",
    months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  },
};

let lang = (new URLSearchParams(location.search).get("lang") || navigator.language || "nl").slice(0, 2) === "en" ? "en" : "nl";
let state = { status: "loading", record: null, file: null, reason: null };

const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[lang][key];

async function sha256hex(data) {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// A fetch that could not be made (the page opened from a file, no connection, the server down) is
// not a missing record: it says nothing about the certificate, and the page says so.
class Unreachable extends Error {}

async function fetchJson(path) {
  if (location.protocol === "file:") throw new Unreachable(path);
  let response;
  try {
    response = await fetch(path, { cache: "no-store" });
  } catch (e) {
    throw new Unreachable(path);
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new Unreachable(path);
  try {
    const value = await response.json();
    return value && typeof value === "object" ? value : null;
  } catch (e) {
    return null;
  }
}

async function reachable(work) {
  try {
    await work();
  } catch (e) {
    if (!(e instanceof Unreachable)) throw e;
    state = { status: "unavailable", record: null, file: null };
  }
  render();
}

function longDate(iso) {
  const [y, m, d] = (iso || "").split("-").map(Number);
  if (!y) return iso || "";
  return `${d} ${t("months")[m - 1]} ${y}`;
}

function row(list, label, value) {
  if (value === undefined || value === null || value === "") return;
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.textContent = value;
  list.append(dt, dd);
}

function resultText(record) {
  const r = record.result || {};
  if (record.kind === "destruction") return t("destroyed");
  if (r.verify === "failed") return t("failed");
  if (r.errors || String(r.outcome || "").includes("exception")) return t("exceptions");
  return t("passed");
}

function methodText(record) {
  const m = record.method || {};
  const name = t("methods")[m.name] || m.name || "";
  if (record.kind === "destruction") return `${name}, DIN 66399 ${t("level")} ${m.level || ""}`;
  return `${name} (NIST SP 800-88 ${m.nist_category || ""})`;
}

function render() {
  document.documentElement.lang = lang;
  document.title = t("title");
  $("title").textContent = t("title");
  document.body.dataset.status = state.status;
  document.body.dataset.file = state.file || "";
  const verdict = state.status === "loading" ? t("loading") : state.status === "idle" ? t("idle") : t(state.status);
  $("verdict").textContent = verdict;
  const details = $("details");
  details.textContent = "";
  let explain = "";
  const record = state.record;
  if (state.status === "genuine") explain = t("explainGenuine");
  if (state.status === "unknown") explain = t("explainUnknown");
  if (state.status === "unavailable") explain = t("explainUnavailable");
  if (state.status === "revoked" && record) explain = t("explainRevoked") + (record.revoked_reason || "");
  $("explain").textContent = explain;
  if (record && state.status !== "unknown") {
    row(details, t("number"), record.number);
    row(details, t("kind"), t(record.kind) || record.kind);
    row(details, t("issued"), longDate(record.issued_on));
    const d = record.drive || {};
    row(details, t("drive"), [d.manufacturer, d.model].filter(Boolean).join(" "));
    row(details, t("serial"), d.serial);
    row(details, t("method"), methodText(record));
    row(details, t("result"), resultText(record));
  }
  $("drop-text").textContent = t("drop");
  $("choose").textContent = t("choose");
  const fileResult = $("file-result");
  // the very file of a revoked certificate is no good news: no green line beside "revoked"
  const fileOk = state.file === "identical" && state.status !== "revoked";
  fileResult.className = fileOk ? "ok" : state.file ? "bad" : "";
  fileResult.textContent = !state.file ? "" : fileOk ? t("fileOk") : state.file === "identical" ? t("fileRevoked")
    : state.file === "different" ? t("fileBad") : t("fileUnknown");
  $("privacy").textContent = t("privacy");
  $("fp-label").textContent = t("fp");
}

async function checkFragment() {
  const fragment = decodeURIComponent(location.hash.replace(/^#/, ""));
  state = { status: "loading", record: null, file: null };
  render();
  if (!fragment) {
    state.status = "idle";
    return render();
  }
  await reachable(async () => {
    const match = /^(.+)\.([0-9a-f]{64})$/.exec(fragment);
    const record = match ? await fetchJson(`c/${await sha256hex(new TextEncoder().encode(fragment))}.json`) : null;
    if (!record || record.number !== match[1]) {
      state.status = "unknown";
    } else {
      state.record = record;
      state.status = record.status === "revoked" ? "revoked" : "genuine";
    }
  });
}

async function checkFile(file) {
  if (!file) return;
  const digest = await sha256hex(await file.arrayBuffer());
  if (state.record && state.status !== "unknown") {
    const same = (state.record.pdf_sha256 || []).includes(digest);
    state.file = same ? "identical" : "different";
    if (!same) state.status = "altered";
    return render();
  }
  await reachable(async () => {
    const pointer = await fetchJson(`p/${digest}.json`);
    const record = pointer && /^[0-9a-f]{64}$/.test(pointer.c || "") ? await fetchJson(`c/${pointer.c}.json`) : null;
    if (!record || !(record.pdf_sha256 || []).includes(digest)) {
      state = { status: "unknown", record: null, file: "unknown" };
    } else {
      state = { status: record.status === "revoked" ? "revoked" : "genuine", record, file: "identical" };
    }
  });
}

function setUp() {
  for (const link of document.querySelectorAll("[data-lang]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      lang = link.dataset.lang;
      render();
    });
  }
  $("file").addEventListener("change", (event) => checkFile(event.target.files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    checkFile(event.dataTransfer.files[0]);
  });
  window.addEventListener("hashchange", checkFragment);
  fetchJson("shop.json").then((shop) => {
    if (shop && shop.fingerprint) $("fingerprint").textContent = shop.fingerprint;
  }, () => {});
  checkFragment();
}

setUp();
