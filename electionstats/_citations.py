"""Machine-readable citations of every method, data source and the package itself.

Each entry is a BibTeX record keyed by a short name. Result objects name the keys of the
methods they implement (``result.cite()``); :func:`cite` lists or exports any of them.
Modules add their own entries with :func:`register` at import time (a dict update, no I/O).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CITATIONS", "cite", "register"]

CITATIONS: dict[str, str] = {
    "electionstats": """@software{electionstats,
  title = {electionstats: reproducible statistics for election forensics},
  author = {{electionstats developers}},
  year = {2026},
  license = {BSD-3-Clause},
  note = {Python package}
}""",
    "mebane2015eft": """@misc{mebane2015eft,
  title = {Election Forensics Toolkit and Guide},
  author = {Mebane, Walter R. and Kalinin, Kirill and others},
  year = {2015},
  howpublished = {USAID DRG Center; R package EFToolkit, https://github.com/kkalininMI/EFToolkit},
}""",
    "beber2012": """@article{beber2012,
  title = {What the Numbers Say: A Digit-Based Test for Election Fraud},
  author = {Beber, Bernd and Scacco, Alexandra},
  journal = {Political Analysis},
  volume = {20},
  number = {2},
  pages = {211--234},
  year = {2012},
  doi = {10.1093/pan/mps003}
}""",
    "mebane2006": """@inproceedings{mebane2006,
  title = {Election Forensics: Vote Counts and {Benford's} Law},
  author = {Mebane, Walter R.},
  booktitle = {Summer Meeting of the Political Methodology Society, UC-Davis},
  year = {2006}
}""",
    "deckert2011": """@article{deckert2011,
  title = {Benford's Law and the Detection of Election Fraud},
  author = {Deckert, Joseph and Myagkov, Mikhail and Ordeshook, Peter C.},
  journal = {Political Analysis},
  volume = {19},
  number = {3},
  pages = {245--268},
  year = {2011},
  doi = {10.1093/pan/mpr014}
}""",
    "klimek2012": """@article{klimek2012,
  title = {Statistical detection of systematic election irregularities},
  author = {Klimek, Peter and Yegorov, Yuri and Hanel, Rudolf and Thurner, Stefan},
  journal = {Proceedings of the National Academy of Sciences},
  volume = {109},
  number = {41},
  pages = {16469--16473},
  year = {2012},
  doi = {10.1073/pnas.1210722109}
}""",
    "kobak2016aoas": """@article{kobak2016aoas,
  title = {Integer percentages as electoral falsification fingerprints},
  author = {Kobak, Dmitry and Shpilkin, Sergey and Pshenichnikov, Maxim S.},
  journal = {The Annals of Applied Statistics},
  volume = {10},
  number = {1},
  pages = {54--73},
  year = {2016},
  doi = {10.1214/16-AOAS904}
}""",
    "rozenas2017": """@article{rozenas2017,
  title = {Detecting Election Fraud from Irregularities in Vote-Share Distributions},
  author = {Rozenas, Arturas},
  journal = {Political Analysis},
  volume = {25},
  number = {1},
  pages = {41--56},
  year = {2017},
  doi = {10.1017/pan.2016.9}
}""",
    "hartigan1985": """@article{hartigan1985,
  title = {The Dip Test of Unimodality},
  author = {Hartigan, J. A. and Hartigan, P. M.},
  journal = {The Annals of Statistics},
  volume = {13},
  number = {1},
  pages = {70--84},
  year = {1985},
  doi = {10.1214/aos/1176346577}
}""",
    "myagkov2009": """@book{myagkov2009,
  title = {The Forensics of Election Fraud: Russia and Ukraine},
  author = {Myagkov, Mikhail and Ordeshook, Peter C. and Shakin, Dimitri},
  publisher = {Cambridge University Press},
  year = {2009},
  doi = {10.1017/CBO9780511581199}
}""",
    "phipson2010": """@article{phipson2010,
  title = {Permutation P-values Should Never Be Zero: Calculating Exact P-values When Permutations Are Randomly Drawn},
  author = {Phipson, Belinda and Smyth, Gordon K.},
  journal = {Statistical Applications in Genetics and Molecular Biology},
  volume = {9},
  number = {1},
  year = {2010},
  doi = {10.2202/1544-6115.1585}
}""",
    "benjamini1995": """@article{benjamini1995,
  title = {Controlling the False Discovery Rate: A Practical and Powerful Approach to Multiple Testing},
  author = {Benjamini, Yoav and Hochberg, Yosef},
  journal = {Journal of the Royal Statistical Society: Series B},
  volume = {57},
  number = {1},
  pages = {289--300},
  year = {1995},
  doi = {10.1111/j.2517-6161.1995.tb02031.x}
}""",
    "kobak_data": """@misc{kobak_data,
  title = {Russian election data, polling-station level (scraped by S. Shpilkin and I. Shukshin)},
  author = {Kobak, Dmitry and Shpilkin, Sergey},
  year = {2024},
  howpublished = {https://github.com/dkobak/elections, commit 8003707e}
}""",
    "pkw2020": """@misc{pkw2020,
  title = {Wybory Prezydenta Rzeczypospolitej Polskiej 2020: wyniki glosowania w obwodach},
  author = {{Panstwowa Komisja Wyborcza}},
  year = {2020},
  howpublished = {via https://github.com/ip413/presidential-election-poland-2020-research, commit 4b8b8e44}
}""",
    "cec_georgia2024": """@misc{cec_georgia2024,
  title = {Parliamentary elections of Georgia, 26 October 2024: precinct results (proportional)},
  author = {{Central Election Commission of Georgia}},
  year = {2024},
  howpublished = {scraped by foige, https://github.com/foige/georgian-elections-data, commit 8cc2c2d3}
}""",
    "cec_kazakhstan2021": """@misc{cec_kazakhstan2021,
  title = {Final results of the 10 January 2021 Majilis elections},
  author = {{Central Election Commission of the Republic of Kazakhstan}},
  year = {2021},
  howpublished = {announced 12 January 2021; reported by The Astana Times, Kazinform, KazTAG}
}""",
    "kaztag2021": """@misc{kaztag2021,
  title = {The United States is concerned about the OSCE findings on the elections in Kazakhstan},
  author = {{KazTAG}},
  year = {2021},
  howpublished = {news item, Astana, 14 January 2021 (Arabic machine translation)}
}""",
}


def register(key: str, bibtex: str) -> None:
    """Add a citation record (used by modules at import time; idempotent)."""
    CITATIONS.setdefault(key, bibtex)


def cite(keys: str | Iterable[str] | None = None, *, format: str = "bibtex") -> str:
    """Return the citations of the named methods (all of them when ``keys`` is None).

    Parameters
    ----------
    keys : str or iterable of str, optional
        Citation keys, e.g. ``"kobak2016aoas"`` or the ``citations`` field of a result.
    format : {'bibtex', 'keys'}
        ``'bibtex'`` gives the records (electionstats itself first); ``'keys'`` gives one
        key per line.

    Returns
    -------
    str

    Examples
    --------
    >>> import electionstats as es
    >>> print(es.cite("hartigan1985", format="keys"))
    hartigan1985
    >>> "@article{hartigan1985," in es.cite("hartigan1985")
    True
    """
    if keys is None:
        wanted = list(CITATIONS)
    elif isinstance(keys, str):
        wanted = [keys]
    else:
        wanted = list(keys)
    unknown = [k for k in wanted if k not in CITATIONS]
    if unknown:
        raise KeyError(
            f"unknown citation key(s) {unknown}; known keys: {sorted(CITATIONS)}"
        )
    if format == "keys":
        return "\n".join(wanted)
    if format != "bibtex":
        raise ValueError(f"`format` must be 'bibtex' or 'keys' (got {format!r}).")
    return "\n\n".join(CITATIONS[k] for k in ["electionstats", *[k for k in wanted if k != "electionstats"]])
