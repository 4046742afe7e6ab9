-- Grain: one row per area (gemeente, district or regio), year and part of the evaluation with a
-- findings text (`bevindingen/<gebiedscode>/<jaar>/<onderdeel>.md`): the evaluation's words
-- beside its figures, as Markdown. The personal-data guard checked every line when it was read;
-- the server renders the Markdown with raw HTML shown as text, never run.
-- Inputs: stg_bevindingen, stg_onderdelen, stg_gebieden.
with final as (
    select b.niveau, b.gebiedscode, g.gebiedsnaam, b.jaar,
           b.onderdeel, o.onderdeel_titel, o.onderdeel_volgorde,
           b.tekst,
           g.district_code as district
    from stg_bevindingen b
    join stg_gebieden g on g.niveau = b.niveau and g.gebiedscode = b.gebiedscode
    join stg_onderdelen o on o.onderdeel = b.onderdeel
)

select * from final
order by case niveau when 'gemeente' then 1 when 'district' then 2 else 3 end,
         gebiedscode, jaar, onderdeel_volgorde
