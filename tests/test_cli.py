"""The command line: every user error is one 'electionstats: error:' line and exit code 2."""

from __future__ import annotations

import gzip

import pytest

from electionstats.__main__ import _flags, main
from electionstats._csvread import CsvReadError, read_table

GOOD = "id,reg,ballots,A,B\n1,100,60,40,20\n2,200,150,100,50\n3,150,90,30,60\n"
ROLES = ["--station-id", "id", "--registered", "reg", "--ballots-found", "ballots", "--party", "A", "B"]


def _error(capsys, argv) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("electionstats: error: ")
    return lines[0]


@pytest.fixture
def out(tmp_path):
    return ["--out", str(tmp_path / "r"), "--no-progress"]


def test_unreadable_files(tmp_path, capsys, out):
    cp = tmp_path / "cp1250.csv"
    cp.write_bytes("id,reg,ballots,Łódź,B\n1,100,60,40,20\n".encode("cp1250"))
    line = _error(capsys, ["report", str(cp), *ROLES, *out])
    assert "is not UTF-8" in line and "--encoding cp1250" in line
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert "is empty" in _error(capsys, ["report", str(empty), *ROLES, *out])
    header = tmp_path / "header.csv"
    header.write_text("id,reg,ballots,A,B\n", encoding="utf-8")
    assert "has a header but no rows" in _error(capsys, ["report", str(header), *ROLES, *out])
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,reg,ballots,A,B\n1,100,60,40,20\n2,200,150,100\n3,1,1,1,0,9\n", encoding="utf-8")
    line = _error(capsys, ["report", str(ragged), *ROLES, *out])
    assert "2 row(s) do not have the header's 5 fields (line 3 has 4, line 4 has 6)" in line and "--sep" in line
    fake = tmp_path / "fake.csv.gz"
    fake.write_text(GOOD, encoding="utf-8")
    assert "is named .gz but is not a gzip file" in _error(capsys, ["report", str(fake), *ROLES, *out])
    missing = tmp_path / "nothing.csv"
    assert "is neither a dataset name" in _error(capsys, ["report", str(missing), *ROLES, *out])


def test_bad_option_values(tmp_path, capsys, out):
    assert "--n-resamples must be positive (got 0)" in _error(capsys, ["report", "--n-resamples", "0", *out])
    assert "--n-resamples must be a whole number (got '1.5')" in _error(capsys, ["report", "--n-resamples", "1.5", *out])
    assert "--seed must be 0 or more (got -1)" in _error(capsys, ["report", "--seed", "-1", *out])
    f = tmp_path / "afile"
    f.write_text("x", encoding="utf-8")
    assert "is a file; give a folder" in _error(capsys, ["report", "--out", str(f), "--no-progress"])
    assert "unknown citation key(s) ['nosuchkey']" in _error(capsys, ["cite", "nosuchkey"])
    assert "invalid choice" in _error(capsys, ["report", "--missing", "drop", *out])


def test_column_errors_name_flags(tmp_path, capsys, out):
    csv = tmp_path / "s.csv"
    csv.write_text(GOOD, encoding="utf-8")
    line = _error(capsys, ["report", str(csv), "--registered", "reg", *out])
    assert "no party columns given" in line and "--party" in line and "parties=" not in line
    line = _error(capsys, ["report", str(csv), *ROLES[:-3], "--party", "A", "Z", *out])
    assert "'Z'" in line and "--party" in line and "`party`" not in line
    holes = tmp_path / "holes.csv"
    holes.write_text("id,reg,ballots,A,B\n1,100,60,,20\n2,200,150,100,50\n", encoding="utf-8")
    line = _error(capsys, ["report", str(holes), *ROLES, *out])
    assert "--missing exclude" in line and "missing='exclude'" not in line


def test_flag_rewriting():
    assert _flags("Pass missing='exclude' to leave them out") == "Pass --missing exclude to leave them out"
    assert _flags("column 'x' (role `ballots_found`)") == "column 'x' (role --ballots-found)"
    assert _flags("use parties={'a': 'A'}") == "use --party {'a': 'A'}"


def test_read_table_detects_separator_and_encoding(tmp_path):
    semi = tmp_path / "semi.csv"
    semi.write_text(GOOD.replace(",", ";"), encoding="utf-8-sig")
    assert read_table(semi).columns.tolist() == ["id", "reg", "ballots", "A", "B"]
    tsv = tmp_path / "t.tsv"
    tsv.write_text(GOOD.replace(",", "\t"), encoding="utf-8")
    t = read_table(tsv)
    assert t["A"].tolist() == [40, 100, 30]
    cp = tmp_path / "cp.csv"
    cp.write_bytes("id;Łódź\n1;5\n".encode("cp1250"))
    assert read_table(cp, encoding="cp1250").columns.tolist() == ["id", "Łódź"]
    gz = tmp_path / "g.csv.gz"
    gz.write_bytes(gzip.compress(GOOD.encode()))
    assert len(read_table(gz)) == 3
    with pytest.raises(CsvReadError, match="--encoding 'klingon' is not a known encoding"):
        read_table(cp, encoding="klingon")


def test_read_table_types_and_ragged_rows(tmp_path):
    # whole numbers (with spaces, a sign or empty cells) become numbers; decimals, words
    # and booleans stay text, as the cell-by-cell reading did
    f = tmp_path / "t.csv"
    f.write_text("id,reg,t,ok,name,gap\n1, 100 ,0.5,True,x,\n2,+200,0.7,False,y,7\n", encoding="utf-8")
    t = read_table(f)
    assert t["reg"].tolist() == [100, 200] and t["id"].dtype.kind == "i"
    assert t["t"].tolist() == ["0.5", "0.7"] and t["ok"].tolist() == ["True", "False"]
    assert t["gap"].isna().tolist() == [True, False] and t["gap"].iloc[1] == 7
    # rows counted without the csv module (no quotes; LF or CRLF; blank lines skipped) and
    # with it (quoted separators) name the same lines
    for text in ("a,b\r\n1,2\r\n\r\n3\r\n4,5,6", 'a,b\n"1,5",2\n\n3\n4,5,6\n'):
        f.write_text(text, encoding="utf-8")
        with pytest.raises(CsvReadError, match=r"2 row\(s\) do not have the header's 2 fields \(line 4 has 1, line 5 has 3\)"):
            read_table(f)


def test_datasets_lists_address_sha256_licence(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    block = out.split("russia-2011-duma\n")[1].split("\n\n")[0]
    assert "address: https://" in block
    assert "sha256:  fd8aeceeebe92664872cf6fcaa43a11c2bf3f4914d9667bbd9bf2df6972cbd8f" in block
    assert "licence: no licence stated; official results" in block
    assert "licence: GPL-3 (package data)" in out.split("albania-2013\n")[1]


@pytest.mark.parametrize("n_rows", [1, 2, 3])
def test_a_report_of_a_few_stations_is_written_without_a_traceback(tmp_path, capsys, out, n_rows):
    """A one-station CSV once ended in a traceback (plot_excess_votes on an excess-votes
    result that could not be computed: TypeError 'NoneType' * 100), after the report had
    described the missing estimate as 'nan (negative) anomalous votes'."""
    f = tmp_path / "few.csv"
    f.write_text("".join(GOOD.splitlines(keepends=True)[: n_rows + 1]), encoding="utf-8")
    assert main(["report", str(f), *ROLES, "--n-resamples", "19", *out]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "report written to" in captured.out
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "nan (negative)" not in html
    assert ("excess votes could not be computed" in html) == (n_rows == 1)


def test_a_header_naming_a_column_twice_is_refused(tmp_path, capsys, out):
    """pandas renamed the second 'A' to 'A.1' and the report silently used the first."""
    f = tmp_path / "dup.csv"
    f.write_text("id,reg,ballots,A,A\n1,100,60,40,20\n2,200,150,100,50\n", encoding="utf-8")
    line = _error(capsys, ["report", str(f), *ROLES, *out])
    assert "names column 'A' more than once (fields 4 and 5)" in line


def test_an_out_folder_that_cannot_be_made_is_named_as_out(tmp_path, capsys):
    """Once '[Errno 20] Not a directory: ...' (or '[Errno 2] No such file or directory' under
    /proc), which reads as if the input file were missing."""
    f = tmp_path / "afile"
    f.write_text("x", encoding="utf-8")
    csv = tmp_path / "ok.csv"
    csv.write_text(GOOD, encoding="utf-8")
    line = _error(capsys, ["report", str(csv), *ROLES, "--out", str(f / "sub"), "--no-progress"])
    assert f"--out {str(f / 'sub')!r} cannot be created" in line


@pytest.mark.parametrize("target", [[], ["albania-2013"]])
def test_csv_options_with_a_dataset_or_the_default_case_are_refused(capsys, out, target):
    """`report albania-2013 --party X` once ignored --party silently (and --title, --sep,
    ...): the report was about the dataset's leader, not the party asked for."""
    line = _error(capsys, ["report", *target, "--party", "PD", "--title", "Mine", *out])
    assert "--title and --party apply to a CSV file, but" in line


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        # every station 1 registered, 1 ballot: the last-digit test has no count of 10 or
        # more (and the fingerprint no station of 100 voters: an all-NaN colour scale)
        ("".join(f"{i},1,1,1,0\n" for i in range(60)), "The last-digit test of A&#x27;s votes could not run"),
        # no ballots anywhere: no station has a vote share
        ("".join(f"{i},{500 + i},0,0,0\n" for i in range(60)),
         "Turnout and vote shares</h2><p>This section could not be computed on these data"),
    ],
)
def test_a_part_that_cannot_run_on_the_data_says_so_and_the_report_is_written(
        tmp_path, capsys, out, rows, said):
    """These files once ended in a Python traceback (a ValueError from one section)."""
    f = tmp_path / "odd.csv"
    f.write_text("id,reg,ballots,A,B\n" + rows, encoding="utf-8")
    assert main(["report", str(f), *ROLES, "--n-resamples", "19", *out]) == 0
    assert "Traceback" not in capsys.readouterr().err
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert said in html
