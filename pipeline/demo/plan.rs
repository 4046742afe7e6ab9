//! The demo's plan of approach: goals (`doelen.csv`), actions (`acties.csv`) and findings in
//! words (`bevindingen/`), for Rijswijk, Den Haag and the Zoetermeer–Leidschendam district.
//! Synthetic and hand-written (fixtures/demo/README.md): no gemeente wrote these.

/// Goals: (gebiedscode, year, indicator, goal, direction). Rijswijk's are set so that its 2024
/// shows goals reached and goals missed; one is on a signal count that may be hidden, one on
/// the risk picture (at most), one is the district's.
const DOELEN: [(&str, i32, &str, f64, &str); 11] = [
    ("GM0603", 2024, "professionals_getraind", 30.0, "minimaal"),
    ("GM0603", 2024, "campagne_bereik", 600.0, "minimaal"),
    ("GM0603", 2024, "controles", 12.0, "minimaal"),
    (
        "GM0603",
        2024,
        "advertenties_gecontroleerd",
        150.0,
        "minimaal",
    ),
    ("GM0603", 2024, "signalen_totaal", 25.0, "minimaal"),
    ("GM0603", 2024, "casusoverleggen", 3.0, "minimaal"),
    ("GM0603", 2024, "leeg_pct", 2.0, "maximaal"),
    ("GM0603", 2023, "professionals_getraind", 25.0, "minimaal"),
    ("GM0518", 2024, "professionals_getraind", 300.0, "minimaal"),
    ("GM0518", 2024, "bibob_toetsen", 60.0, "minimaal"),
    ("ZLV", 2024, "controles", 40.0, "minimaal"),
];

/// Actions: (gebiedscode, year, part, action, status, explanation).
const ACTIES: [(&str, i32, &str, &str, &str, &str); 12] = [
    (
        "GM0603",
        2024,
        "bewustwording",
        "Training signalen herkennen voor wijkteams en handhavers",
        "afgerond",
        "Vier sessies; ook de leerplichtambtenaren namen deel.",
    ),
    (
        "GM0603",
        2024,
        "bewustwording",
        "Voorlichting aan ondernemers in de beautybranche",
        "lopend",
        "",
    ),
    (
        "GM0603",
        2024,
        "signalering",
        "Meldroute mensenhandel in het zorg- en veiligheidsoverleg vastleggen",
        "afgerond",
        "",
    ),
    (
        "GM0603",
        2024,
        "signalering",
        "Signalen van de Arbeidsinspectie wekelijks wegen",
        "lopend",
        "Loopt door in 2025.",
    ),
    (
        "GM0603",
        2024,
        "handhaving",
        "Integrale controles bij uitzendbureaus en short stay",
        "afgerond",
        "",
    ),
    (
        "GM0603",
        2024,
        "handhaving",
        "Bibob-beleid uitbreiden naar massagesalons",
        "gepland",
        "Besluit van het college verwacht in het voorjaar.",
    ),
    (
        "GM0603",
        2024,
        "ondersteuning",
        "Afspraken over opvang met de zorgcoördinator",
        "afgerond",
        "",
    ),
    (
        "GM0603",
        2024,
        "samenwerking",
        "Casusoverleg met politie, RIEC en Arbeidsinspectie elk kwartaal",
        "afgerond",
        "",
    ),
    (
        "GM0603",
        2024,
        "samenwerking",
        "Convenant gegevensdeling met de woningcorporatie",
        "vervallen",
        "Opgegaan in het regionale convenant.",
    ),
    (
        "GM0518",
        2024,
        "handhaving",
        "Controles op vakantieverhuur in het centrum",
        "lopend",
        "",
    ),
    (
        "ZLV",
        2024,
        "samenwerking",
        "Mensenhandeltafel van het district elke maand",
        "afgerond",
        "",
    ),
    (
        "RIEC-DH",
        2024,
        "handhaving",
        "Regionale controle van seksadvertenties",
        "afgerond",
        "",
    ),
];

/// Findings: (gebiedscode, year, part, Markdown).
const BEVINDINGEN: [(&str, i32, &str, &str); 4] = [
    (
        "GM0603",
        2024,
        "signalering",
        "De meldroute werkt: meer signalen kwamen van **partners buiten de politie**, vooral \
         van de Arbeidsinspectie.\n\n\
         Knelpunten:\n\n\
         - de weging duurt gemiddeld drie weken, het doel is één;\n\
         - een signaal zonder adres komt zelden voorbij het bronnenonderzoek.\n\n\
         *Meer signalen betekent vooral dat er beter gekeken wordt, niet dat er meer uitbuiting is.*\n",
    ),
    (
        "GM0603",
        2024,
        "handhaving",
        "De controles bij uitzendbureaus leverden twee maatregelen op. Het aantal controles bleef \
         achter bij het doel door personeelstekort bij de handhaving.\n",
    ),
    (
        "GM0603",
        2024,
        "bewustwording",
        "Wijkteams en handhavers zijn getraind; de **beautybranche** is nog niet bereikt.\n",
    ),
    (
        "ZLV",
        2024,
        "samenwerking",
        "De mensenhandeltafel van het district kwam elke maand bijeen; de gemeenten brachten \
         samen meer casussen in dan in 2023.\n",
    ),
];

/// `doelen.csv`.
pub(super) fn doelen() -> String {
    let mut out = String::from("gebiedscode,jaar,indicator,doel,richting\n");
    for (code, year, indicator, goal, direction) in DOELEN {
        out.push_str(&format!("{code},{year},{indicator},{goal},{direction}\n"));
    }
    out
}

/// `acties.csv` (every text quoted: it may hold a comma).
pub(super) fn acties() -> String {
    let mut out = String::from("gebiedscode,jaar,onderdeel,actie,status,toelichting\n");
    for (code, year, part, action, status, explanation) in ACTIES {
        out.push_str(&format!(
            "{code},{year},{part},\"{action}\",{status},\"{explanation}\"\n"
        ));
    }
    out
}

/// The findings files: (path in the drop, Markdown).
pub(super) fn bevindingen() -> Vec<(String, &'static str)> {
    BEVINDINGEN
        .iter()
        .map(|(code, year, part, text)| (format!("bevindingen/{code}/{year}/{part}.md"), *text))
        .collect()
}
