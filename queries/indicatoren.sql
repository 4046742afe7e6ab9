-- Grain: one row per indicator of the registry (pipeline/snapshot/indicators.rs): what each
-- column of gebied_indicatoren and each indicator of trends is — label (and `kop`, the label as a
-- page heads it), definition, unit,
-- source, kind, count and denominator, scale, whether it counts persons, which way is worse,
-- its weight in this run's risk score, the levels where it exists. Dashboards join it for their
-- labels; an analyst reading the Parquet reads it to know what a column means.
-- Inputs: stg_indicatoren.
with final as (
    select indicator, label, kop, definitie, eenheid, bron, soort, telling, noemer, schaal,
           persoonsaantal, hoger_is_slechter, score_gewicht, niveaus, in_trends, volgorde
    from stg_indicatoren
)

select * from final
order by volgorde
