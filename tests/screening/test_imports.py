"""Importing list snapshots: every format, atomic replacement, refusals that keep the
lists in force."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from screening.formats import ImportRefused, guess_format
from screening.matching.index import Query, current_index
from screening.models import ListEntry, ListSnapshot, ScreeningState
from screening.services.snapshots import snapshot_import
from tests.screening.conftest import CSL, DPL, OFAC, ofac_subset

pytestmark = pytest.mark.django_db


def test_the_formats_are_told_apart_by_content(tmp_path: Path) -> None:
    assert guess_format(CSL) == "csl-csv"
    assert guess_format(DPL) == "bis-dpl"
    assert guess_format(OFAC) == "ofac-sdn"
    assert guess_format(OFAC / "sdn.csv") == "ofac-sdn"
    renamed = tmp_path / "list.txt"
    shutil.copy(OFAC / "sdn.csv", renamed)
    assert guess_format(renamed) == "ofac-sdn"
    json_file = tmp_path / "csl.json"
    json_file.write_text('{"results": []}', encoding="utf-8")
    assert guess_format(json_file) == "csl-json"


def test_the_csl_sample_loads_with_types_dates_aliases_and_countries() -> None:
    result = snapshot_import(path=CSL)
    assert result.changed
    snapshot = result.snapshot
    assert snapshot.state == ListSnapshot.State.CURRENT
    assert snapshot.entry_count == ListEntry.objects.filter(snapshot=snapshot).count() > 10
    rim = ListEntry.objects.get(snapshot=snapshot, name="RIM, Ryong Nam")
    assert rim.kind == "individual"
    assert rim.entity_number == "52291"
    assert rim.dates_of_birth == ["1978-12-05"]
    assert rim.nationalities == ["KP"]
    assert rim.address_countries == ["CN", "KP"]
    assert rim.programs == ["NPWMD"]
    assert rim.list_url.startswith("https://")
    cetc = ListEntry.objects.get(snapshot=snapshot, name__startswith="China Electronics")
    assert "Hebei Semiconductor Research Institute" in cetc.aliases
    assert "CETC Research Institute 13" in cetc.aliases  # "; and " joins the last alias
    assert str(cetc.start_date) == "2018-08-01"
    assert ScreeningState.objects.get().version == snapshot.version


def test_the_ofac_files_load_together_with_aliases_addresses_and_remarks(
    tmp_path: Path,
) -> None:
    folder = ofac_subset(tmp_path / "ofac", entries=400)
    result = snapshot_import(path=folder)
    entries = ListEntry.objects.filter(snapshot=result.snapshot)
    assert entries.count() == 400
    noriega = entries.get(name="NORIEGA, Manuel Antonio")
    assert noriega.kind == "individual"
    abbas = entries.get(name="ABBAS, Abu")
    assert abbas.dates_of_birth == ["1948-12-10"]
    bnc = entries.get(name="BANCO NACIONAL DE CUBA")
    assert bnc.kind == "entity"
    assert "NATIONAL BANK OF CUBA" in bnc.aliases
    assert {"CH", "ES", "JP"} <= set(bnc.address_countries)


def test_the_denied_persons_list_merges_a_partys_addresses() -> None:
    result = snapshot_import(path=DPL)
    entries = ListEntry.objects.filter(snapshot=result.snapshot)
    assert entries.filter(name="I. ASH").count() == 1
    assert result.snapshot.entry_count == entries.count() > 300


def test_a_new_snapshot_replaces_the_old_one_and_the_one_before_is_kept(tmp_path: Path) -> None:
    first = snapshot_import(path=ofac_subset(tmp_path / "a", entries=300)).snapshot
    second = snapshot_import(path=ofac_subset(tmp_path / "b", entries=310)).snapshot
    third = snapshot_import(path=ofac_subset(tmp_path / "c", entries=320)).snapshot
    states = dict(ListSnapshot.objects.values_list("pk", "state"))
    assert states[third.pk] == "current"
    assert states[second.pk] == "previous"
    assert states[first.pk] == "retired"
    assert not ListEntry.objects.filter(snapshot=first).exists()
    assert ListEntry.objects.filter(snapshot=second).count() == 310
    assert len(current_index()) >= 320  # the index follows the flip


def test_the_same_content_again_changes_nothing() -> None:
    first = snapshot_import(path=CSL)
    again = snapshot_import(path=CSL)
    assert not again.changed
    assert again.snapshot.pk == first.snapshot.pk
    assert ListSnapshot.objects.count() == 1


def test_a_list_that_shrinks_too_far_is_refused_unless_forced(tmp_path: Path) -> None:
    good = snapshot_import(path=ofac_subset(tmp_path / "full", entries=500)).snapshot
    truncated = ofac_subset(tmp_path / "cut", entries=100)
    with pytest.raises(ImportRefused, match="a drop of more than 20%"):
        snapshot_import(path=truncated)
    assert ListSnapshot.objects.get(state="current").pk == good.pk
    assert ListSnapshot.objects.count() == 1
    forced = snapshot_import(path=truncated, force=True)
    assert forced.snapshot.state == "current"
    assert forced.snapshot.forced


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \n", "the file is empty"),
        (b'"name","other"\n"x","y"\n', "cannot tell the list's format"),
        (
            b'_id,source,name,alt_names\n1,SDN,"Broken quote,\n',
            "line 2: malformed CSV",
        ),
        (b"_id,source,name,alt_names\n1,SDN,Someone,\n2,SDN\n", "line 3: expected 4 columns"),
        (b"_id,source,name,alt_names\n1,SDN,\xff\xfeBad,\n", "line 2: the file is not UTF-8"),
        (b"_id,source,name,alt_names\n1,SDN,,\n", "line 2: the name is empty"),
        (b"_id,title,alt_names\n1,x,y\n", "cannot tell"),
    ],
)
def test_a_malformed_list_is_refused_with_its_line_and_the_lists_stay(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    kept = snapshot_import(path=CSL).snapshot
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with pytest.raises(ImportRefused) as refused:
        snapshot_import(path=bad)
    assert reason in refused.value.message
    assert ListSnapshot.objects.get(state="current").pk == kept.pk
    assert ListSnapshot.objects.filter(feed="csl").count() == 1


def test_a_truncated_ofac_download_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = ofac_subset(tmp_path / "ofac", entries=50)
    sdn = folder / "sdn.csv"
    sdn.write_bytes(sdn.read_bytes()[:-40])  # cut inside the last record
    with pytest.raises(ImportRefused) as refused:
        snapshot_import(path=folder)
    assert "sdn.csv, line 50" in refused.value.message
    assert not ListSnapshot.objects.exists()


def test_an_alias_for_an_unknown_entry_is_refused(tmp_path: Path) -> None:
    folder = ofac_subset(tmp_path / "ofac", entries=5)
    (folder / "alt.csv").write_text('999999,1,"aka","NOBODY",-0-\n', encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"alt.csv, line 1: entry 999999 is not in sdn.csv"):
        snapshot_import(path=folder)


def test_csl_json_loads_like_the_csv(tmp_path: Path) -> None:
    path = tmp_path / "csl.json"
    path.write_text(
        '{"total": 1, "results": [{"source": "Specially Designated Nationals (SDN) - Treasury '
        'Department", "entity_number": "52291", "type": "Individual", "name": "RIM, Ryong Nam", '
        '"alt_names": ["Ryong-nam Rim"], "dates_of_birth": "1978-12-05", "nationalities": ["KP"],'
        ' "addresses": [{"city": "Shenyang", "country": "CN"}], "programs": ["NPWMD"]}]}',
        encoding="utf-8",
    )
    result = snapshot_import(path=path)
    entry = ListEntry.objects.get(snapshot=result.snapshot)
    assert entry.aliases == ["Ryong-nam Rim"]
    assert entry.address_countries == ["CN"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"results": [\n{"name": ', encoding="utf-8")
    with pytest.raises(ImportRefused, match="line 2: malformed JSON"):
        snapshot_import(path=broken, fmt="csl-json")


def test_searches_during_an_import_see_only_the_current_list(tmp_path: Path) -> None:
    snapshot_import(path=CSL)
    loading = ListSnapshot.objects.create(feed="ofac-sdn", format="ofac-sdn", sha256="0" * 64)
    ListEntry.objects.create(
        snapshot=loading,
        key="x:1",
        fingerprint="f",
        source_list="SDN",
        kind="individual",
        name="HALF LOADED, Person",
    )
    assert current_index().search(Query("Person Half Loaded"), threshold=0.5) == []


def test_the_import_is_audited_with_counts_and_digest() -> None:
    result = snapshot_import(path=CSL)
    event = AuditEvent.objects.get(action="screening.snapshot_imported")
    assert event.data["sha256"] == result.snapshot.sha256
    assert event.data["entries"] == result.snapshot.entry_count


def test_the_command_reports_the_import_and_refuses_bad_files(tmp_path: Path) -> None:
    call_command("screening_import", str(CSL))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match=r"Refused: empty\.csv: the file is empty"):
        call_command("screening_import", str(empty), "--format", "csl-csv")
