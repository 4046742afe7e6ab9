"""The Polars peer of the benchmark: gebied_indicatoren (buurt to regio), kvk_sectoren and
signalen_fasen from an input drop (CSV or Parquet), as an analyst would write them with Polars'
lazy API, and shapely's STRtree for the points that come without a buurtcode. Semantics:
outputs.md §2–3. Not done here (risicobeeld does it): validation and quarantine, municipal
mergers, the aggregate leegstand form, RNI rows by gebiedscode, monthly signal rows, disclosure
control.

    python polars_peer.py --input DROP --out DIR --vocabulary VOCABULARY.json
"""

import argparse
import json
import pathlib

import numpy as np
import polars as pl
import shapely

IN_USE = ["verblijfsobject in gebruik", "verblijfsobject in gebruik (niet ingemeten)"]
SECTORS = {
    "landbouw": ["01"], "bouw": ["41", "42", "43"], "handel": ["45", "46", "47"],
    "horeca": ["55", "56"], "uitzendbureaus": ["782", "783"], "schoonmaak": ["812"],
    "beauty_wellness": ["9602", "9604"], "huishoudelijk": ["97"],
    "industrie": [str(n) for n in range(10, 34)],
    "vervoer_opslag": [str(n) for n in range(49, 54)],
}
# The signal forms and the column each counts in come from `risicobeeld vocabulary` (--vocabulary).
VORMEN: list = []
FORM_COLUMNS: dict = {}
COUNTS = ["vbo_in_gebruik", "leeg_aantal", "rni_ingeschrevenen", "rni_adressen",
          "verborgen_bewoning", "kvk_risico_actief", "kvk_uitzendbureaus", "kvk_risico_nieuw",
          "kvk_risico_opgeheven", "kvk_kortlevend", "kvk_adresconcentratie", "signalen_totaal"]
SOURCES = ["bron_leegstand", "bron_rni", "bron_kvk", "bron_signalen"]
DENOMINATORS = ["inwoners_leegstand", "inwoners_rni", "vbo_verborgen", "inwoners_kvk",
                "inwoners_signalen"]
TYPES = {
    "verblijfsobject_id": pl.String, "buurtcode": pl.String, "postcode": pl.String,
    "vestigingsnummer": pl.String, "kvk_nummer": pl.String, "sbi_code": pl.String,
    "peildatum": pl.Date, "datum_inschrijving": pl.Date, "datum_uitschrijving": pl.Date,
    "x": pl.Float64, "y": pl.Float64, "huisnummer": pl.Int32, "woz_gebruik": pl.Boolean,
}


def scan(drop: pathlib.Path, pattern: str) -> pl.LazyFrame:
    """Every file of one input, CSV or Parquet; files may differ in their columns (RNI)."""
    files = sorted(drop.glob(pattern + ".parquet"))
    if files:
        return pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed")
    files = sorted(drop.glob(pattern + ".csv"))
    if not files:
        raise SystemExit(f"no files for {pattern} in {drop}")
    frames = []
    for f in files:
        header = f.open(encoding="utf-8").readline().strip().split(",")
        frames.append(pl.scan_csv(f, schema_overrides={c: t for c, t in TYPES.items() if c in header}))
    return pl.concat(frames, how="diagonal_relaxed")


def quarter(column: str) -> pl.Expr:
    date = pl.col(column)
    return pl.format("{}-Q{}", date.dt.year(), date.dt.quarter())


def gemeente_of(column: str) -> pl.Expr:
    return pl.lit("GM") + pl.col(column).str.slice(2, 4)


def boundaries(drop: pathlib.Path) -> pl.DataFrame:
    codes, names, shapes = [], [], []
    for f in sorted((drop / "gebieden").glob("*.geojson")):
        for feature in json.loads(f.read_text(encoding="utf-8"))["features"]:
            codes.append(feature["properties"]["statcode"])
            names.append(feature["properties"]["statnaam"])
            shapes.append(shapely.geometry.shape(feature["geometry"]))
    return pl.DataFrame({"gebiedscode": codes, "gebiedsnaam": names}), shapes


def place_points(points: pl.DataFrame, codes: list, shapes: list) -> pl.DataFrame:
    """The buurt each distinct (x, y) lies in, through an STRtree of the buurt polygons."""
    buurten = [(c, s) for c, s in zip(codes, shapes) if c.startswith("BU")]
    tree = shapely.STRtree([s for _, s in buurten])
    xy = shapely.points(points["x"].to_numpy(), points["y"].to_numpy())
    point_index, buurt_index = tree.query(xy, predicate="within")
    buurt_codes = np.array([c for c, _ in buurten], dtype=object)
    return pl.DataFrame({
        "x": points["x"].to_numpy()[point_index],
        "y": points["y"].to_numpy()[point_index],
        "geplaatst": buurt_codes[buurt_index].astype(str),
    })


def active_at(periods: pl.LazyFrame, kvk: pl.LazyFrame) -> pl.LazyFrame:
    """Every (period, vestiging) pair in which the vestiging is active at the period's end."""
    return (kvk.join(periods.select("periode", "periode_eind"), how="cross")
            .filter((pl.col("datum_inschrijving") <= pl.col("periode_eind"))
                    & (pl.col("datum_uitschrijving").is_null()
                       | (pl.col("datum_uitschrijving") > pl.col("periode_eind")))))


def roll_up(frame: pl.LazyFrame, sums: list, by: list) -> pl.LazyFrame:
    """Buurt facts to buurt, wijk and gemeente, through the digits of the buurtcode."""
    levels = [("buurt", pl.col("buurtcode")),
              ("wijk", pl.lit("WK") + pl.col("buurtcode").str.slice(2, 6)),
              ("gemeente", gemeente_of("buurtcode"))]
    return pl.concat([
        frame.with_columns(niveau=pl.lit(n), gebiedscode=code).group_by(["niveau", "gebiedscode"] + by)
        .agg([pl.col(c).sum() for c in sums])
        for n, code in levels])


def compute(drop: pathlib.Path) -> dict:
    names, shapes = boundaries(drop)
    districten = scan(drop, "gebieden/districten").collect()
    gebieden = pl.concat([
        names.with_columns(
            niveau=pl.when(pl.col("gebiedscode").str.starts_with("BU")).then(pl.lit("buurt"))
            .when(pl.col("gebiedscode").str.starts_with("WK")).then(pl.lit("wijk"))
            .otherwise(pl.lit("gemeente")),
            gemeentecode=gemeente_of("gebiedscode"))
        .join(districten.select("gemeentecode", "district_code", "regio_code"), on="gemeentecode"),
        districten.select(niveau=pl.lit("district"), gebiedscode="district_code",
                          gebiedsnaam="district_naam", gemeentecode=pl.lit(None, pl.String),
                          district_code="district_code", regio_code="regio_code").unique(),
        districten.select(niveau=pl.lit("regio"), gebiedscode="regio_code", gebiedsnaam="regio_naam",
                          gemeentecode=pl.lit(None, pl.String), district_code=pl.lit(None, pl.String),
                          regio_code="regio_code").unique(),
    ], how="diagonal_relaxed")
    naar_boven = pl.concat([
        districten.select("gemeentecode", niveau=pl.lit("district"), bovencode="district_code"),
        districten.select("gemeentecode", niveau=pl.lit("regio"), bovencode="regio_code")])

    objecten = scan(drop, "verblijfsobjecten/*").select(
        "peildatum", "x", "y",
        id=pl.col("verblijfsobject_id").cast(pl.Int64),
        geteld=pl.col("status").str.strip_chars().str.to_lowercase().is_in(IN_USE),
        leeg=(pl.col("bewoners_brp") == 0) & (pl.col("vestigingen_hr") == 0) & ~pl.col("woz_gebruik"),
        buurtcode=pl.col("buurtcode").str.strip_chars().replace("", None),
        postcode=pl.col("postcode").str.replace_all(" ", "").str.to_uppercase(),
        huisnummer="huisnummer").collect()
    kvk_raw = scan(drop, "kvk/*").collect()
    points = pl.concat([
        objecten.filter(pl.col("buurtcode").is_null()).select("x", "y"),
        kvk_raw.filter(pl.col("x").is_not_null() & pl.col("verblijfsobject_id").is_null()
                       & pl.col("postcode").is_null()).select("x", "y"),
    ]).unique()
    punt_buurt = place_points(points, names["gebiedscode"].to_list(), shapes).lazy()

    objecten = (objecten.lazy().join(punt_buurt, on=["x", "y"], how="left")
                .with_columns(buurtcode=pl.coalesce("buurtcode", "geplaatst"),
                              leeg=pl.col("geteld") & pl.col("leeg"))
                .drop("geplaatst", "x", "y")).collect().lazy()
    object_plek = objecten.group_by("id").agg(pl.col("buurtcode").sort_by("peildatum").last())
    adres_object = (objecten.filter(pl.col("postcode").is_not_null())
                    .group_by("postcode", "huisnummer").agg(pl.col("id").sort_by("peildatum").last()))

    feiten_objecten = objecten.filter("geteld").with_columns(
        periode=quarter("peildatum"), gemeentecode=gemeente_of("buurtcode"))
    rni = (scan(drop, "rni/*")
           .with_columns(postcode=pl.col("postcode").str.replace_all(" ", "").str.to_uppercase())
           .join(adres_object, on=["postcode", "huisnummer"], how="left")
           .with_columns(id=pl.coalesce(pl.col("verblijfsobject_id").cast(pl.Int64), "id"))
           .join(object_plek, on="id")
           .select("peildatum", "id", "buurtcode", "ingeschrevenen",
                   periode=quarter("peildatum"), gemeentecode=gemeente_of("buurtcode")))

    signalen = scan(drop, "signalen/*").select(
        "vorm", "fase", "aantal",
        periode=pl.col("periode").str.slice(0, 4) + pl.lit("-Q") + pl.col("periode").str.slice(-1),
        gemeentecode=gemeente_of("gebiedscode")).collect().lazy()

    first_last = pl.concat([
        feiten_objecten.select(d="peildatum"), rni.select(d="peildatum"),
        signalen.select(d=pl.date(pl.col("periode").str.slice(0, 4).cast(pl.Int32),
                                  pl.col("periode").str.slice(-1).cast(pl.Int32) * 3 - 2, 1)),
    ]).select(pl.col("d").min().alias("eerste"), pl.col("d").max().alias("laatste")).collect()
    eerste = first_last["eerste"][0]
    eerste = eerste.replace(month=3 * ((eerste.month - 1) // 3) + 1, day=1)
    starts = pl.date_range(eerste, first_last["laatste"][0], interval="3mo", eager=True)
    perioden = (pl.DataFrame({"periode_start": starts})
                .with_columns(periode=quarter("periode_start"),
                              periode_eind=pl.col("periode_start").dt.offset_by("3mo").dt.offset_by("-1d"),
                              jaar=pl.col("periode_start").dt.year())).lazy()

    def latest_snapshot(frame):
        return frame.filter(pl.col("peildatum") == pl.col("peildatum").max().over("gemeentecode", "periode"))

    gekozen_objecten = latest_snapshot(feiten_objecten)
    gekozen_rni = latest_snapshot(rni).collect().lazy()
    rni_objecten = (gekozen_rni.group_by("periode", "id").agg(pl.col("ingeschrevenen").sum())
                    .filter(pl.col("ingeschrevenen") >= 1).select("periode", "id", met_rni=pl.lit(True)))
    leegstand = (gekozen_objecten.join(rni_objecten, on=["periode", "id"], how="left")
                 .with_columns(vbo_in_gebruik=pl.lit(1), leeg_aantal=pl.col("leeg").cast(pl.Int64),
                               verborgen_bewoning=(pl.col("leeg") & pl.col("met_rni").fill_null(False)).cast(pl.Int64)))
    leegstand = roll_up(leegstand, ["vbo_in_gebruik", "leeg_aantal", "verborgen_bewoning"], ["periode"])
    rni_per_object = (gekozen_rni.group_by("periode", "buurtcode", "id").agg(pl.col("ingeschrevenen").sum())
                      .with_columns(rni_ingeschrevenen="ingeschrevenen",
                                    rni_adressen=(pl.col("ingeschrevenen") >= 1).cast(pl.Int64)))
    rni_tellingen = roll_up(rni_per_object, ["rni_ingeschrevenen", "rni_adressen"], ["periode"])

    sector_of = {p: s for s, prefixes in SECTORS.items() for p in prefixes}
    sbi = pl.col("sbi_code").str.replace_all(".", "", literal=True)
    kvk = (kvk_raw.lazy()
           .with_columns(postcode=pl.col("postcode").str.replace_all(" ", "").str.to_uppercase())
           .join(adres_object, on=["postcode", "huisnummer"], how="left")
           .with_columns(id=pl.coalesce(pl.col("verblijfsobject_id").cast(pl.Int64), "id"))
           .join(object_plek, on="id", how="left")
           .join(punt_buurt, on=["x", "y"], how="left")
           .with_columns(buurtcode=pl.coalesce("buurtcode", "geplaatst"),
                         sector=pl.coalesce([sbi.str.slice(0, n).replace_strict(sector_of, default=None)
                                             for n in (4, 3, 2)]))
           .filter(pl.col("buurtcode").is_not_null())
           .select("sector", "id", "buurtcode", "datum_inschrijving", "datum_uitschrijving",
                   gemeentecode=gemeente_of("buurtcode"),
                   kortlevend=(pl.col("datum_uitschrijving") - pl.col("datum_inschrijving")).dt.total_days() < 365)
           ).collect().lazy()
    risico = kvk.filter(pl.col("sector").is_not_null())
    actief = active_at(perioden, risico).group_by("periode", "buurtcode", "sector").agg(actief=pl.len())
    in_period = lambda column: (pl.col(column) >= pl.col("periode_start")) & (pl.col(column) <= pl.col("periode_eind"))
    nieuw = (risico.join(perioden, how="cross").filter(in_period("datum_inschrijving"))
             .group_by("periode", "buurtcode", "sector").agg(nieuw=pl.len()))
    opgeheven = (risico.join(perioden, how="cross").filter(in_period("datum_uitschrijving"))
                 .group_by("periode", "buurtcode", "sector")
                 .agg(opgeheven=pl.len(), kortlevend=pl.col("kortlevend").sum()))
    keys = ["periode", "buurtcode", "sector"]
    kvk_buurt_sector = (actief.join(nieuw, on=keys, how="full", coalesce=True)
                        .join(opgeheven, on=keys, how="full", coalesce=True)
                        .fill_null(0)).collect().lazy()
    kvk_gerold = roll_up(kvk_buurt_sector, ["actief", "nieuw", "opgeheven", "kortlevend"], ["periode", "sector"]).collect().lazy()
    kvk_totaal = kvk_gerold.group_by("niveau", "gebiedscode", "periode").agg(
        kvk_risico_actief=pl.col("actief").sum(),
        kvk_uitzendbureaus=pl.col("actief").filter(pl.col("sector") == "uitzendbureaus").sum(),
        kvk_risico_nieuw=pl.col("nieuw").sum(), kvk_risico_opgeheven=pl.col("opgeheven").sum(),
        kvk_kortlevend=pl.col("kortlevend").sum())
    concentratie = roll_up(
        active_at(perioden, risico.filter(pl.col("id").is_not_null()))
        .group_by("periode", "buurtcode", "id").agg(n=pl.len()).filter(pl.col("n") >= 5)
        .with_columns(kvk_adresconcentratie=pl.lit(1)), ["kvk_adresconcentratie"], ["periode"])

    span = signalen.group_by("gemeentecode").agg(eerste=pl.col("periode").min(), laatste=pl.col("periode").max())
    signalen_dekking = (span.join(perioden.select("periode"), how="cross")
                        .filter((pl.col("periode") >= pl.col("eerste")) & (pl.col("periode") <= pl.col("laatste")))
                        .select("gemeentecode", "periode")).collect().lazy()
    vorm = pl.col("vorm")
    signalen_gemeente = (signalen_dekking.join(signalen, on=["gemeentecode", "periode"], how="left")
                         .group_by("gemeentecode", "periode").agg(
        signalen_totaal=pl.col("aantal").sum(),
        **{column: pl.col("aantal").filter(vorm.is_in(forms)).sum()
           for column, forms in FORM_COLUMNS.items()},
    ).select("periode", "signalen_totaal", *FORM_COLUMNS, niveau=pl.lit("gemeente"),
             gebiedscode="gemeentecode"))

    dekking = pl.concat([
        gekozen_objecten.select("gemeentecode", "periode", bron=pl.lit("leegstand")).unique(),
        gekozen_rni.select("gemeentecode", "periode", bron=pl.lit("rni")).unique(),
        kvk.select("gemeentecode").unique().join(perioden.select("periode"), how="cross").with_columns(bron=pl.lit("kvk")),
        signalen_dekking.with_columns(bron=pl.lit("signalen")),
    ], how="diagonal").collect()

    bevolking = scan(drop, "bevolking").collect()
    inwoners = (gebieden.lazy().select("gebiedscode").join(perioden.select("periode", "jaar"), how="cross")
                .join(bevolking.lazy().rename({"jaar": "bevolkingsjaar"}), on="gebiedscode")
                .filter(pl.col("bevolkingsjaar") <= pl.col("jaar"))
                .group_by("gebiedscode", "periode").agg(pl.col("inwoners").sort_by("bevolkingsjaar").last()))
    spine = (gebieden.lazy().filter(pl.col("niveau").is_in(["buurt", "wijk", "gemeente"]))
             .select("niveau", "gebiedscode", "gemeentecode").join(perioden.select("periode"), how="cross"))
    for bron in ["leegstand", "rni", "kvk", "signalen"]:
        covered = dekking.lazy().filter(pl.col("bron") == bron).select("gemeentecode", "periode", **{f"bron_{bron}": pl.lit(True)})
        spine = spine.join(covered, on=["gemeentecode", "periode"], how="left").with_columns(pl.col(f"bron_{bron}").fill_null(False))
    spine = spine.with_columns(bron_signalen=pl.col("bron_signalen") & (pl.col("niveau") == "gemeente"))
    area = ["niveau", "gebiedscode", "periode"]
    t = (spine.join(inwoners, on=["gebiedscode", "periode"], how="left")
         .join(leegstand, on=area, how="left").join(rni_tellingen, on=area, how="left")
         .join(kvk_totaal, on=area, how="left").join(concentratie, on=area, how="left")
         .join(signalen_gemeente, on=area, how="left"))
    when = lambda cond, column: pl.when(cond).then(pl.col(column).fill_null(0))
    lager = t.with_columns(
        *[when("bron_leegstand", c) for c in ["vbo_in_gebruik", "leeg_aantal"]],
        *[when("bron_rni", c) for c in ["rni_ingeschrevenen", "rni_adressen"]],
        when(pl.col("bron_leegstand") & pl.col("bron_rni"), "verborgen_bewoning"),
        *[when("bron_kvk", c) for c in ["kvk_risico_actief", "kvk_uitzendbureaus", "kvk_risico_nieuw",
                                        "kvk_risico_opgeheven", "kvk_kortlevend", "kvk_adresconcentratie"]],
    ).with_columns(
        inwoners_leegstand=pl.when(pl.col("vbo_in_gebruik").is_not_null()).then("inwoners"),
        inwoners_rni=pl.when(pl.col("rni_ingeschrevenen").is_not_null()).then("inwoners"),
        vbo_verborgen=pl.when(pl.col("verborgen_bewoning").is_not_null()).then("vbo_in_gebruik"),
        inwoners_kvk=pl.when(pl.col("kvk_risico_actief").is_not_null()).then("inwoners"),
        inwoners_signalen=pl.when(pl.col("signalen_totaal").is_not_null()).then("inwoners"),
    ).drop("gemeentecode").collect()
    boven = (lager.lazy().filter(pl.col("niveau") == "gemeente").drop("niveau")
             .join(naar_boven.lazy(), left_on="gebiedscode", right_on="gemeentecode")
             .group_by("niveau", "bovencode", "periode")
             .agg(*[pl.col(c).sum() if c not in SOURCES else pl.col(c).all()
                    for c in ["inwoners"] + COUNTS + SOURCES + DENOMINATORS],
                  # a sum over members that all lack a count is missing, not zero
                  *[pl.col(c).is_not_null().any().alias(f"_{c}") for c in ["inwoners"] + COUNTS + DENOMINATORS])
             .with_columns(*[pl.when(pl.col(f"_{c}")).then(c).alias(c) for c in ["inwoners"] + COUNTS + DENOMINATORS])
             .drop([f"_{c}" for c in ["inwoners"] + COUNTS + DENOMINATORS])
             .rename({"bovencode": "gebiedscode"}))
    tellingen = pl.concat([lager.lazy(), boven], how="diagonal_relaxed")

    ratio = lambda factor, num, den: pl.lit(factor) * pl.col(num) / pl.when(pl.col(den) != 0).then(pl.col(den))
    indicators = {
        "leeg_pct": ratio(100.0, "leeg_aantal", "vbo_in_gebruik"),
        "rni_per_1000_inwoners": ratio(1000.0, "rni_ingeschrevenen", "inwoners_rni"),
        "verborgen_per_1000_vbo": ratio(1000.0, "verborgen_bewoning", "vbo_verborgen"),
        "kvk_per_1000_inwoners": ratio(1000.0, "kvk_risico_actief", "inwoners_kvk"),
        "signalen_per_10000_inwoners": ratio(10000.0, "signalen_totaal", "inwoners_signalen"),
    }
    w = ["niveau", "periode"]
    # Empirical-Bayes smoothing (Marshall's global method of moments) within level and period; the
    # z-scores are of the smoothed rates, as risicobeeld's (docs/statistics.md).
    parts = {
        "leeg_pct": ("leeg_aantal", "vbo_in_gebruik", 100.0),
        "rni_per_1000_inwoners": ("rni_ingeschrevenen", "inwoners_rni", 1000.0),
        "verborgen_per_1000_vbo": ("verborgen_bewoning", "vbo_verborgen", 1000.0),
        "kvk_per_1000_inwoners": ("kvk_risico_actief", "inwoners_kvk", 1000.0),
        "signalen_per_10000_inwoners": ("signalen_totaal", "inwoners_signalen", 10000.0),
    }
    k = {n: pl.when(pl.col(n).is_not_null()).then(pl.col(c).cast(pl.Float64)) for n, (c, _, _) in parts.items()}
    d = {n: pl.when(pl.col(n).is_not_null()).then(pl.col(c).cast(pl.Float64)) for n, (_, c, _) in parts.items()}
    m = {n: k[n].sum().over(w) / d[n].sum().over(w) for n in parts}
    nbar = {n: d[n].sum().over(w) / d[n].count().over(w) for n in parts}
    s2 = {n: pl.max_horizontal((d[n] * (k[n] / d[n] - m[n]) ** 2).sum().over(w) / d[n].sum().over(w)
                               - m[n] / nbar[n], pl.lit(0.0)) for n in parts}
    glad = {}
    for n, (_, _, scale) in parts.items():
        weight = s2[n] / (s2[n] + m[n] / d[n])
        glad[n] = pl.lit(scale) * pl.when(s2[n] + m[n] / d[n] > 0).then(
            weight * (k[n] / d[n]) + (1.0 - weight) * m[n]).otherwise(k[n] / d[n])
    z = {name: pl.when(pl.col(f"g_{name}").is_null()).then(None)
         .when(pl.col(f"g_{name}").std(ddof=0).over(w) == 0).then(0.0)
         .otherwise((pl.col(f"g_{name}") - pl.col(f"g_{name}").mean().over(w))
                    / pl.col(f"g_{name}").std(ddof=0).over(w))
         for name in indicators}
    # The default weights: 1 for the structural rates, 0 for signals (the registry's score_weight:
    # signals measure looking as much as exploitation), so signals leave the score out.
    scored = [n for n in indicators if n != "signalen_per_10000_inwoners"]
    available = pl.sum_horizontal([pl.col(f"z_{n}").is_not_null().cast(pl.Int32) for n in scored])
    gebied_indicatoren = (
        tellingen.join(gebieden.lazy(), on=["niveau", "gebiedscode"])
        .join(perioden.select("periode", "periode_start", "periode_eind"), on="periode")
        .with_columns(**indicators)
        .with_columns(**{f"g_{n}": e for n, e in glad.items()})
        .with_columns(**{f"z_{n}": e for n, e in z.items()})
        .with_columns(risicoscore=pl.when(available > 0).then(
            pl.sum_horizontal([pl.col(f"z_{n}").fill_null(0.0) for n in scored]) / available))
        .sort(["niveau", "periode", "risicoscore", "gebiedscode"], descending=[False, False, True, False],
              nulls_last=True)
        .with_columns(risicorang=pl.when(pl.col("risicoscore").is_not_null()).then(
            (pl.int_range(pl.len()) + 1).over(w)))
        .select("niveau", "gebiedscode", "gebiedsnaam", "gemeentecode", "district_code", "regio_code",
                "periode", "periode_start", "periode_eind", "inwoners",
                "vbo_in_gebruik", "leeg_aantal", "leeg_pct", "rni_ingeschrevenen", "rni_adressen",
                "rni_per_1000_inwoners", "verborgen_bewoning", "kvk_risico_actief", "kvk_uitzendbureaus",
                "kvk_risico_nieuw", "kvk_risico_opgeheven", "kvk_kortlevend", "kvk_adresconcentratie",
                "signalen_totaal", *FORM_COLUMNS, "risicoscore", "risicorang", *SOURCES)).collect()

    kvk_lager = (gebieden.lazy().filter(pl.col("niveau").is_in(["buurt", "wijk", "gemeente"]))
                 .join(dekking.lazy().filter(pl.col("bron") == "kvk"), on="gemeentecode")
                 .join(pl.LazyFrame({"sector": list(SECTORS)}), how="cross")
                 .join(kvk_gerold, on=["niveau", "gebiedscode", "periode", "sector"], how="left")
                 .select("niveau", "gebiedscode", "periode", "sector",
                         *[pl.col(c).fill_null(0) for c in ["actief", "nieuw", "opgeheven", "kortlevend"]])
                 ).collect()
    kvk_boven = (kvk_lager.lazy().filter(pl.col("niveau") == "gemeente").drop("niveau")
                 .join(naar_boven.lazy(), left_on="gebiedscode", right_on="gemeentecode")
                 .group_by("niveau", "bovencode", "periode", "sector")
                 .agg(pl.col(["actief", "nieuw", "opgeheven", "kortlevend"]).sum())
                 .rename({"bovencode": "gebiedscode"}))
    kvk_sectoren = pl.concat([kvk_lager.lazy(), kvk_boven], how="diagonal_relaxed").collect()

    fasen = pl.LazyFrame({"fase": [1, 2, 3, 4, 5]}, schema={"fase": signalen.collect_schema()["fase"]})
    signalen_fasen = (signalen_dekking.join(pl.LazyFrame({"vorm": VORMEN}), how="cross").join(fasen, how="cross")
                      .join(signalen.group_by("gemeentecode", "periode", "vorm", "fase").agg(pl.col("aantal").sum()),
                            on=["gemeentecode", "periode", "vorm", "fase"], how="left")
                      .with_columns(pl.col("aantal").fill_null(0))
                      .sort("gemeentecode", "periode", "vorm", "fase", descending=[False, False, False, True])
                      .with_columns(bereikt=pl.col("aantal").cum_sum().over("gemeentecode", "periode", "vorm"))
                      .select(gebiedscode="gemeentecode", periode="periode", vorm="vorm", fase="fase",
                              aantal="aantal", bereikt="bereikt")).collect()
    return {"gebied_indicatoren": gebied_indicatoren, "kvk_sectoren": kvk_sectoren,
            "signalen_fasen": signalen_fasen}


def read_vocabulary(vocabulary):
    """The signal forms, the column each counts in, and so the counts this peer sums."""
    for entry in vocabulary["vormen"]:
        VORMEN.append(entry["vorm"])
        FORM_COLUMNS.setdefault(entry["kolom"], []).append(entry["vorm"])
    COUNTS.extend(FORM_COLUMNS)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True, type=pathlib.Path)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--vocabulary", required=True, type=pathlib.Path,
                        help="the JSON of `risicobeeld vocabulary` (signal forms and their columns)")
    args = parser.parse_args()
    read_vocabulary(json.loads(args.vocabulary.read_text()))
    args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in compute(args.input.resolve()).items():
        frame.write_parquet(args.out / f"{name}.parquet", compression="zstd")


if __name__ == "__main__":
    main()
