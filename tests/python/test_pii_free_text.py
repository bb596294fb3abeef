"""Personal data in free text (issue 7, points 3 and 7): masked at staging, in rejections, never in a report.

One build of the demo exports, copied to a folder read in place (CRM_RAW_DIR), where emails and phones are
planted in free-text columns (a company name, a person's name, an activity subject, a survey comment), a NUL
byte in a name, and personal data in a row that staging rejects. The build command (dbt, validation, publish)
must publish a warehouse where no planted value is left in any text column of any schema the build wrote,
where the texts around the masks are kept ("Acme [email] Ltd") and where "Jo<NUL>hn" reads "John". A copy of
that warehouse with an email and a phone planted in a mart (and a negative amount) must fail validation, and
the planted values must appear in no file of the report.

Run with ``-k pii_free_text`` or ``-k report``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from reliability_helpers import (
    EMAIL_PATTERN,
    PHONE_PATTERN,
    PiiNeedles,
    build_env,
    find_pii,
    pii_needles,
    read_rows,
    run_build,
    run_validate,
    tail,
    write_rows,
    written_schemas,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEEDS_RAW = ROOT / "seeds" / "raw"
NUL = "\x00"

# what is planted (raw value) and what staging must publish, worked out by hand
COMPANY_NAME = ("Acme planted.owner@example.org Ltd", "Acme [email] Ltd")
PHONE_NAME = ("Maria +44 7700 900123 Lopez", "Maria [phone] Lopez")
NUL_NAME = (f"Jo{NUL}hn Nulman", "John Nulman")
SUBJECT = (
    "Call back on (555) 010-4477 about OR00000001, 1234567.89 USD, due 2024-03-05 10:30",
    "Call back on [phone] about OR00000001, 1234567.89 USD, due 2024-03-05 10:30",
)
COMMENT = (
    "Please write to survey.planted@example.net or call 020 7946 0958.",
    "Please write to [email] or call [phone].",
)
REJECTED_ID = "CU9999998"
REJECTED_NAME = "Rita +1 555 010 9988"
REJECTED_COMPANY = "rejected.planted@example.com"
PLANTED_EMAILS = {
    "planted.owner@example.org",
    "survey.planted@example.net",
    "rejected.planted@example.com",
}
PLANTED_PHONES = {"447700900123", "5550104477", "02079460958", "15550109988"}


def plant(raw_dir: Path) -> dict[str, str]:
    """Plant the values in the copied demo exports; the ids of the rows that carry them."""
    header, customers = read_rows(raw_dir / "raw_customers.csv")
    company = next(row for row in customers if row["customer_type"] == "company" and row["company_name"])
    people = [row for row in customers if row["customer_type"] == "person" and row is not company]
    phone_person, nul_person = people[0], people[1]
    company["company_name"] = COMPANY_NAME[0]
    phone_person["full_name"] = PHONE_NAME[0]
    nul_person["full_name"] = NUL_NAME[0]
    rejected = dict(phone_person)
    rejected.update(
        customer_id=REJECTED_ID, full_name=REJECTED_NAME, company_name=REJECTED_COMPANY, created_at="not a date"
    )
    write_rows(raw_dir / "raw_customers.csv", header, [*customers, rejected])

    header, activities = read_rows(raw_dir / "raw_activities.csv")
    activities[0]["subject"] = SUBJECT[0]
    write_rows(raw_dir / "raw_activities.csv", header, activities)

    header, responses = read_rows(raw_dir / "raw_survey_responses.csv")
    responses[0]["comment"] = COMMENT[0]
    write_rows(raw_dir / "raw_survey_responses.csv", header, responses)
    return {
        "company": company["customer_id"],
        "phone_person": phone_person["customer_id"],
        "nul_person": nul_person["customer_id"],
        "activity": activities[0]["activity_id"],
        "response": responses[0]["response_id"],
    }


@pytest.fixture(scope="module")
def planted_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """The demo exports with the planted values, built and published once (raw dir, served file, row ids)."""
    raw_dir = tmp_path_factory.mktemp("pii_raw")
    for path in SEEDS_RAW.glob("raw_*.csv"):
        shutil.copyfile(path, raw_dir / path.name)
    ids = plant(raw_dir)
    assert NUL.encode() in (raw_dir / "raw_customers.csv").read_bytes()
    work = tmp_path_factory.mktemp("pii_build")
    served = work / "served" / "crm.duckdb"
    # the whole warehouse: the test below scans every schema and mart the build writes
    result = run_build(served, build_env(raw_dir, work))
    assert result.returncode == 0, "the build with planted personal data failed:\n" + tail(result.stdout)
    assert "Warehouse built: " in result.stdout
    return raw_dir, served, ids


def one(con: duckdb.DuckDBPyConnection, sql: str, *params: str) -> object:
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, (sql, params, rows)
    return rows[0][0]


def test_pii_free_text_nothing_planted_is_published(planted_build: tuple[Path, Path, dict[str, str]]) -> None:
    """No planted email or phone (as a pattern or as a raw substring) in any text cell of any schema the
    build wrote: staging (base models with raw_values, rejections), intermediate, marts, snapshots."""
    raw_dir, served, _ = planted_build
    needles = pii_needles(raw_dir)
    needles = PiiNeedles(emails=needles.emails | PLANTED_EMAILS, phones=needles.phones | PLANTED_PHONES)
    schemas = written_schemas(served)
    assert {"staging", "intermediate", "marts", "snapshots"} <= set(schemas), schemas
    findings, cells = find_pii(served, schemas, needles)
    assert cells > 10_000, cells
    assert not findings, findings[:20]
    with duckdb.connect(str(served), read_only=True) as con:
        text = con.execute(
            "select string_agg(cast(row_value as varchar), ' ') from ("
            " select raw_values as row_value from staging.stg_crm__rejections"
            " union all select comment from staging.stg_crm__survey_responses"
            " union all select subject from staging.stg_crm__activities"
            " union all select company_name from marts.dim_customers"
            " union all select full_name from marts.dim_customers)"
        ).fetchall()[0][0]
    lowered = text.lower()
    assert not [email for email in PLANTED_EMAILS if email in lowered]
    digits_runs = {re.sub(r"\D", "", run) for run in re.findall(r"\+?[\d(][\d\s().-]*\d", text)}
    assert not [phone for phone in PLANTED_PHONES if any(phone in run for run in digits_runs)]


def test_pii_free_text_masks_keep_the_rest_of_the_text(planted_build: tuple[Path, Path, dict[str, str]]) -> None:
    _, served, ids = planted_build
    with duckdb.connect(str(served), read_only=True) as con:
        company = "select company_name from marts.dim_customers where customer_id = ?"
        name = "select full_name from marts.dim_customers where customer_id = ?"
        assert one(con, company, ids["company"]) == COMPANY_NAME[1]
        assert one(con, name, ids["phone_person"]) == PHONE_NAME[1]
        assert (
            one(con, "select full_name from staging.stg_crm__customers where customer_id = ?", ids["phone_person"])
            == (PHONE_NAME[1])
        )
        subject = "select subject from staging.stg_crm__activities where activity_id = ?"
        assert one(con, subject, ids["activity"]) == SUBJECT[1]
        comment = "select comment from staging.stg_crm__survey_responses where response_id = ?"
        assert one(con, comment, ids["response"]) == COMMENT[1]


def test_pii_free_text_nul_byte_is_stripped(planted_build: tuple[Path, Path, dict[str, str]]) -> None:
    _, served, ids = planted_build
    with duckdb.connect(str(served), read_only=True) as con:
        assert (
            one(con, "select full_name from marts.dim_customers where customer_id = ?", ids["nul_person"])
            == (NUL_NAME[1])
        )
        with_controls = con.execute(
            "select count(*) from staging.base_crm__customers"
            " where regexp_matches(coalesce(full_name, '') || coalesce(raw_values, ''), '[\\x00-\\x08\\x0B-\\x1F\\x7F]')"
        ).fetchall()[0][0]
    assert with_controls == 0


def test_pii_free_text_rejected_row_is_masked(planted_build: tuple[Path, Path, dict[str, str]]) -> None:
    _, served, _ = planted_build
    with duckdb.connect(str(served), read_only=True) as con:
        reason, raw_values = con.execute(
            "select reason_code, raw_values from staging.stg_crm__rejections"
            " where source_table = 'customers' and raw_key = ?",
            [REJECTED_ID],
        ).fetchall()[0]
    assert reason == "invalid_timestamp"
    assert "| full_name=Rita [phone] |" in raw_values
    assert "| company_name=[email] |" in raw_values
    assert "| created_at=not a date |" in raw_values
    assert "| email=sha256:" in raw_values


# --- reports --------------------------------------------------------------------------------

LEAKED_EMAIL = "leaked.person@example.com"
LEAKED_PHONE = "+44 7700 900456"
NEGATIVE_AMOUNT = "-987654.32"


def test_pii_report_fails_and_never_prints_the_value(
    planted_build: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    """A warehouse with an email and a phone planted in mart text columns, and a negative amount, fails
    validation; the report names the columns, rules and counts but holds none of the planted values."""
    raw_dir, served, ids = planted_build
    damaged = tmp_path / "damaged.duckdb"
    shutil.copyfile(served, damaged)
    with duckdb.connect(str(damaged)) as con:
        con.execute(
            "update marts.dim_customers set company_name = ?, full_name = ? where customer_id = ?",
            [f"Leak {LEAKED_EMAIL} Co", f"Leak {LEAKED_PHONE}", ids["company"]],
        )
        order_id = con.execute("select min(order_id) from marts.fct_orders").fetchall()[0][0]
        con.execute(f"update marts.fct_orders set discount_amount = {NEGATIVE_AMOUNT} where order_id = ?", [order_id])
    out = tmp_path / "report"
    result = run_validate(damaged, build_env(raw_dir, tmp_path), out)
    assert result.returncode == 1, tail(result.stdout)
    assert LEAKED_EMAIL not in result.stdout and "900456" not in result.stdout

    written = [path for path in out.rglob("*") if path.is_file()]
    assert out / "summary.md" in written and out / "summary.json" in written
    assert any(path.suffix == ".html" and "data_docs" in path.parts for path in written)
    for path in written:
        content = path.read_bytes().decode("utf-8", errors="replace")
        assert LEAKED_EMAIL not in content.lower(), path
        assert "7700 900456" not in content and "7700900456" not in content, path
        assert "987654" not in content, path
        if path.suffix in {".md", ".json"}:
            assert not EMAIL_PATTERN.search(content), path

    summary = json.loads((out / "summary.json").read_text())
    items = {
        (suite["name"], item["column"], item["expectation"]): item
        for suite in summary["suites"]
        for item in suite["expectations"]
    }
    email_check = items[("check.pii_in_text", "email_cells", "expect_column_values_to_be_between")]
    phone_check = items[("check.pii_in_text", "phone_cells", "expect_column_values_to_be_between")]
    for check in (email_check, phone_check):
        assert check["status"] == "fail"
        assert check["unexpected_count"] >= 1
        assert "marts.dim_customers." in check["description"]
    assert "marts.dim_customers.company_name" in email_check["description"]
    assert "marts.dim_customers.full_name" in phone_check["description"]
    negative = items[("marts.fct_orders", "discount_amount", "expect_column_values_to_be_between")]
    assert negative["status"] == "fail" and negative["unexpected_count"] == 1
    assert "partial_unexpected" not in negative
    markdown = (out / "summary.md").read_text()
    assert "discount_amount (fail)" in markdown and "unexpected 1" in markdown
    assert PHONE_PATTERN.search(markdown) is None
