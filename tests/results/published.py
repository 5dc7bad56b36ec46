"""Published and independently computed reference numbers used by the tests.

Every constant says where it comes from. Numbers "computed" elsewhere (not published) are
cross-implementation checks: they were produced by another implementation (the Election
Forensics Toolkit's R code, a peer library, or a hand computation) and are labelled so.
"""

from __future__ import annotations

from fractions import Fraction

# -- C1, C2: Election Forensics Toolkit, Albania 2013 parliamentary ----------------------
#: Point statistics of the Turnout row, prefecture level. Source: kkalininMI/EFToolkit,
#: README and inst/figures/EFT_table.png (data inst/extdata/Albania2013.csv). DipT is the
#: dip test's p-value; n the number of polling stations.
EFT_ALBANIA_TURNOUT = {
    "BERAT": {"_2BL": 4.244, "P05s": 0.197, "C05s": 0.217, "Skew": 0.261, "Kurt": 3.474,
              "DipT": 0.651, "n": 300},
    "DIBER": {"_2BL": 4.167, "P05s": 0.221, "C05s": 0.225, "Skew": 1.685, "Kurt": 4.954,
              "DipT": 0.0, "n": 258},
}
#: The toolkit's own bootstrap intervals (R = 100 in its README call), BERAT Turnout. They
#: are stochastic, so tests use them as loose bounds only.
EFT_ALBANIA_BERAT_INTERVALS = {"_2BL": (3.92, 4.561), "Skew": (-0.121, 0.617),
                               "Kurt": (2.265, 4.374)}

# -- C3, C4, C5: Kobak, Shpilkin & Pshenichnikov, integer percentages ------------------
#: Excess of polling stations at whole-number percentages, (turnout or leader share,
#: leader share, turnout), and the Monte Carlo sd of the first. Source: the authors'
#: ``montecarlo.pickle`` in dkobak/elections (Annals of Applied Statistics 2016;
#: Significance 2018), computed from 1,000 simulated elections.
KOBAK_INTEGER_EXCESS = {
    "russia-2011-duma": ((1003.5, 767.1, 449.3), 113.1),
    "russia-2012-president": ((1159.6, 734.6, 634.6), 116.3),
}
#: Weighted excess at integer stations (either dimension), 2011: by registered voters,
#: ballots given and leader's ballots. Source: as above.
KOBAK_WEIGHTED_EXCESS_2011 = {"registered": 1_591_128, "ballots": 1_257_913,
                              "votes": 945_253}
#: Observed integer-station counts after the authors' filters (deterministic), 2011:
#: either, leader, turnout, out of ``n`` stations. Computed with the authors' filters.
KOBAK_OBSERVED_2011 = {"either": 17_803, "leader": 9_708, "turnout": 9_216, "n": 86_718}

# -- C6, C8: fits of the Klimek fraud model -------------------------------------------
#: Klimek et al. (PNAS 2012, SI) as transcribed by Kobak (dkobak/elections,
#: meduza2018/meduza.ipynb): (f_i, f_e, alpha).
KLIMEK_FITS = {"russia-2011-duma": (0.64, 0.033, 2.3), "russia-2012-president": (0.39, 0.021, 1.5)}
#: Mebane and Kalinin's likelihood fits (dkobak/elections, meduza2018/mebane-kalinin.txt,
#: "provided by Walter Mebane"): (f_i, f_e, alpha).
MEBANE_KALININ_FITS = {"russia-2011-duma": (0.121, 0.00323, 1.76),
                       "russia-2012-president": (0.0844, 0.00204, 3.41)}

# -- C10, C11: Russian data ------------------------------------------------------------
#: Stations and registered voters in Kobak's files (dkobak/elections data/README.md).
RUSSIA_TOTALS = {"russia-2011-duma": (95_225, 109_229_337),
                 "russia-2012-president": (95_415, 109_860_331)}
#: United Russia 2011, Election Forensics Toolkit definitions (mean second digit, mean last
#: digit, share of last digits 0 or 5), all stations. Computed with the toolkit's R code:
#: a cross-implementation check, not a published number.
EFT_RUSSIA_2011_UNITED_RUSSIA = {"_2BL": 4.2370, "LastC": 4.4759, "C05s": 0.2018}
#: Distinct (region, TIK) pairs in the 2011 file; a raw factorize of the TIK column merges
#: 16 pairs of same-named TIKs in different regions and gives 2,730.
RUSSIA_2011_TIKS = 2746

# -- Poland 2020 ---------------------------------------------------------------------
#: PKW turnout, presidential election 2020, first round: 64.51 % (ballots taken from the
#: urns, which include postal votes, over registered voters; pkw.gov.pl results page).
PKW_TURNOUT_2020_R1 = 0.6452

# -- C16, C17: Kazakhstan Majilis seats -----------------------------------------------
#: 2021 party-list seats (CEC; The Astana Times, 12 January 2021), 98 seats, 7 % threshold.
KAZAKHSTAN_2021_SEATS = {"Nur Otan": 76, "Ak Zhol": 12, "People's Party": 10, "Auyl": 0,
                         "Adal": 0}
#: Hare quota of the 2021 allocation (hand computation: 6,599,921 valid party votes of the
#: passing parties over 98 seats) and the three largest remainders.
KAZAKHSTAN_2021_QUOTA = Fraction(6_599_921, 98)
KAZAKHSTAN_2021_REMAINDERS = (0.442014, 0.772435, 0.785551)
#: 2016: 82.20 / 7.18 / 7.14 % of party votes gave 84 / 7 / 7 seats (Wikipedia).
KAZAKHSTAN_2016 = ({"Nur Otan": 8220, "Ak Zhol": 718, "Communists": 714}, [84, 7, 7])

# -- C19: Benford's law constants (closed form) ----------------------------------------
#: Mean second digit, P(second digit in {0, 5}), P(second digit = 0), variance.
BENFORD_SECOND_DIGIT = {"mean": 4.1874, "p05": 0.2164, "p0": 0.11968, "var": 8.254}
