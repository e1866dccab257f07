#!/usr/bin/env python3
"""Synthetic Atlas corpus generator (dev / benchmark tool, standard library only).

Writes N partnership pages in the exact text layout of a page of the "Atlas français de la
coopération décentralisée" saved as text (see examples/atlas-angouleme-segou.txt), quirks
included: dropped empty table cells that shift later values left, pagination noise, repeated paragraph blocks, ODD mentions in free text,
French-formatted amounts, no newline at the end of the file.

EVERYTHING IT WRITES IS SYNTHETIC, NEVER REAL DATA: every title starts with "[SYNTHÉTIQUE] " and
every page's second line is ``# coopgraph-synthetic seed=S n=I``. French collectivités, countries
and water agencies are real names (read from the reference data shipped in src/coopgraph/data/); people,
foreign localities, associations, amounts and texts are invented.

    python benchmarks/synth.py --partnerships 15000 --seed 1 --out benchmarks/out/s1 [--faults 0.02]

Deterministic: same arguments -> same bytes (each page has its own RNG seeded from (seed, index),
so the output does not depend on the number of worker processes).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "src" / "coopgraph" / "data"  # the reference data shipped in the package
SHARD_SIZE = 10_000
NBSP = "\u00a0"

HEADER = "Atlas français de la coopération décentralisée et des autres actions extérieures"
MARKER = "# coopgraph-synthetic seed={seed} n={n}"
TITLE_PREFIX = "[SYNTHÉTIQUE] "

FAULTS = ("amount-nc", "impossible-date", "missing-country", "missing-title", "empty-file", "truncated")

# --------------------------------------------------------------------------------------------
# fixed lists (invented, Atlas-like)
# --------------------------------------------------------------------------------------------
# theme -> sub-theme -> sub-sub-themes ("" = the third level is empty, which is frequent)
THEMES: dict[str, dict[str, list[str]]] = {
    "Politique, humanitaire et coopération transfrontalière": {
        "Gouvernance locale et appui institutionnel": ["", "", "Etat civil", "Finances locales", "Décentralisation"],
        "Aide humanitaire, urgence et post-crise": ["", "Reconstruction", "Accueil des réfugiés"],
        "Coopération transfrontalière": ["", "Coopération transfrontalière de proximité"],
        "Droits humains et citoyenneté": ["", "Participation citoyenne"],
    },
    "Environnement, Climat et Energie": {
        "Eau et déchets": ["", "Assainissement", "Accès à l'eau potable", "Gestion des déchets"],
        "Energie": ["", "Energies renouvelables", "Efficacité énergétique"],
        "Climat et biodiversité": ["", "Adaptation au changement climatique", "Protection des forêts"],
    },
    "Education, Social et Recherche": {
        "Jeunesse & genre": ["", "", "Egalité femmes-hommes", "Mobilité internationale des jeunes"],
        "Santé": ["", "Santé maternelle et infantile", "Centres de santé"],
        "Education et formation professionnelle": ["", "Scolarisation", "Formation professionnelle"],
        "Enseignement supérieur et recherche": ["", "Echanges universitaires"],
    },
    "Culture et Patrimoine": {
        "Infrastructures, équipements et manifestations culturelles": ["", "", "Festivals"],
        "Patrimoine": ["", "Patrimoine bâti", "Patrimoine immatériel"],
        "Francophonie et lecture publique": ["", "Bibliothèques"],
    },
    "Economie durable": {
        "Agriculture et sécurité alimentaire": ["", "Agroécologie", "Filières agricoles"],
        "Développement économique local": ["", "Artisanat", "Economie sociale et solidaire"],
        "Tourisme responsable": ["", ""],
    },
    "Urbanisme, aménagement et mobilité": {
        "Planification urbaine": ["", "Cadastre et adressage"],
        "Mobilité et transports": ["", ""],
        "Habitat": ["", "Habitat précaire"],
    },
    "Sport": {
        "Sport et développement": ["", "Equipements sportifs"],
    },
}
THEME_KEYS = list(THEMES)
THEME_WEIGHTS = list(itertools.accumulate([30, 28, 20, 10, 8, 3, 1]))

# SDG targets that plausibly go with each sub-theme
SUB_ODD: dict[str, list[str]] = {
    "Gouvernance locale et appui institutionnel": ["16.6", "16.7", "16.9", "17.9", "11.3"],
    "Aide humanitaire, urgence et post-crise": ["1.5", "11.5", "2.1", "3.8"],
    "Coopération transfrontalière": ["17.16", "16.7", "8.3"],
    "Droits humains et citoyenneté": ["16.7", "16.10", "5.5", "10.2"],
    "Eau et déchets": ["6.1", "6.2", "6.3", "6.b", "11.6", "3.9", "12.5"],
    "Energie": ["7.1", "7.2", "7.3", "13.2"],
    "Climat et biodiversité": ["13.1", "13.3", "15.1", "15.2", "15.3"],
    "Jeunesse & genre": ["5.1", "5.2", "5.3", "5.5", "4.4", "8.6"],
    "Santé": ["3.1", "3.2", "3.7", "3.8", "3.9"],
    "Education et formation professionnelle": ["4.1", "4.3", "4.4", "4.5", "4.a"],
    "Enseignement supérieur et recherche": ["4.3", "4.b", "9.5", "17.6"],
    "Infrastructures, équipements et manifestations culturelles": ["11.4", "4.7", "8.9"],
    "Patrimoine": ["11.4", "8.9"],
    "Francophonie et lecture publique": ["4.6", "4.7", "16.10"],
    "Agriculture et sécurité alimentaire": ["2.1", "2.3", "2.4", "12.3", "15.3"],
    "Développement économique local": ["8.3", "8.5", "1.4", "9.3"],
    "Tourisme responsable": ["8.9", "12.b", "11.4"],
    "Planification urbaine": ["11.1", "11.3", "11.a", "1.4"],
    "Mobilité et transports": ["11.2", "9.1", "3.6"],
    "Habitat": ["11.1", "1.4", "6.2"],
    "Sport et développement": ["3.4", "4.7", "5.1"],
}

STATUSES_RUNNING = "En cours"
STATUS_DONE = "Terminé"
FORMS = ["Projet de coopération décentralisée"] * 14 + [
    "Accord de coopération décentralisée",
    "Jumelage-coopération",
    "Action extérieure ponctuelle",
]

EMBASSY_ROLES = [
    "Correspondant coopération décentralisée",
    "Conseiller de coopération et d'action culturelle",
    "Attaché de coopération",
    "Conseiller adjoint de coopération et d'action culturelle",
]
FIRST_NAMES_FR = [
    "Emma",
    "Nadege",
    "Julien",
    "Claire",
    "Thomas",
    "Sophie",
    "Nicolas",
    "Camille",
    "Pierre",
    "Isabelle",
    "Antoine",
    "Marion",
    "Laurent",
    "Helene",
    "Olivier",
    "Aurelie",
    "Mathieu",
    "Celine",
    "Francois",
    "Lucie",
    "Guillaume",
    "Anne",
    "Benoit",
    "Elodie",
    "Vincent",
    "Pauline",
    "Sebastien",
    "Charlotte",
    "Damien",
    "Juliette",
    "Yann",
    "Agnes",
    "Romain",
    "Manon",
]
LAST_NAMES_FR = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEROY",
    "MOREAU",
    "SIMON",
    "LAURENT",
    "LEFEBVRE",
    "MICHEL",
    "GARCIA",
    "DAVID",
    "BERTRAND",
    "ROUX",
    "VINCENT",
    "FOURNIER",
    "MOREL",
    "GIRARD",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "COQUARD",
    "CHOUAT",
    "FAURE",
    "BRUN",
]
# foreign-side people (invented, West-African and other name stocks)
FIRST_NAMES_X = [
    "Nouhoun",
    "Moustapha",
    "Aminata",
    "Boubacar",
    "Fatoumata",
    "Ousmane",
    "Mariam",
    "Issa",
    "Awa",
    "Seydou",
    "Adama",
    "Kadiatou",
    "Ibrahima",
    "Salif",
    "Rokia",
    "Abdoulaye",
    "Hawa",
    "Modibo",
    "Aïssata",
    "Lamine",
    "Fanta",
    "Souleymane",
    "Khadija",
    "Youssef",
    "Nadia",
    "Rija",
    "Hery",
    "Voahangy",
    "Minh",
    "Lan",
    "Ana",
    "Piotr",
    "Elena",
    "Jean-Baptiste",
]
LAST_NAMES_X = [
    "Diarra",
    "Ario",
    "Traoré",
    "Keita",
    "Coulibaly",
    "Sangaré",
    "Konaté",
    "Ouédraogo",
    "Sawadogo",
    "Kaboré",
    "Diop",
    "Ndiaye",
    "Fall",
    "Sow",
    "Ba",
    "Diallo",
    "Camara",
    "Touré",
    "Cissé",
    "Sylla",
    "Benali",
    "El Idrissi",
    "Rakoto",
    "Randria",
    "Nguyen",
    "Tran",
    "Popescu",
    "Kowalski",
    "Hounkpatin",
    "Agossou",
    "Mensah",
    "Kouassi",
]
FUNCTIONS_X = [
    "Maire",
    "Secrétaire Permanent",
    "Secrétaire général",
    "Premier adjoint au maire",
    "Président du conseil régional",
    "Chargé de coopération",
    "Directeur des services techniques",
    "Président",
    "Chef du service état civil",
]
MAIL_DOMAINS = ["yahoo.fr", "gmail.com", "hotmail.com", "orange.sn", "orangemali.net", "gmail.com"]

# syllables for invented foreign localities
SYL_AFRICA = [
    "ba",
    "bou",
    "ko",
    "ka",
    "ma",
    "sé",
    "go",
    "ni",
    "ta",
    "ra",
    "di",
    "dou",
    "la",
    "na",
    "sa",
    "fa",
    "kou",
    "ya",
    "mo",
    "zi",
    "ga",
    "té",
    "dja",
    "kan",
    "mbo",
    "sso",
    "li",
    "ré",
    "bé",
    "wa",
]
SYL_OTHER = [
    "an",
    "tor",
    "vel",
    "ri",
    "sa",
    "lo",
    "mir",
    "ka",
    "de",
    "no",
    "vi",
    "ra",
    "bel",
    "ta",
    "lu",
    "ma",
    "sen",
    "ko",
    "pa",
    "li",
    "dra",
    "ne",
    "zo",
    "hu",
]
X_PREFIXES = [
    "",
    "",
    "",
    "",
    "Commune de ",
    "Commune urbaine de ",
    "Mairie de ",
    "Région de ",
    "Conseil de cercle de ",
    "Intercommunalité ",
    "Municipalité de ",
]
ASSOC_PATTERNS = [
    "Comité des Jumelages {fr} - Villes Etrangères",
    "Comité de jumelage {fr} - {x}",
    "Association {fr} Solidarité {pays}",
    "Les Amis de {x}",
    "{fr} Coopération Internationale",
    "Maison des Peuples et de la Paix",
    "Musiques Métisses",
    "Association Eau Vive {pays}",
    "Lycée agricole de {fr}",
    "Centre hospitalier de {fr}",
    "Rotary Club de {fr}",
    "Ingénieurs sans frontières {fr}",
    "Atelier de la danse – {pn} {ln}",
]
MISSIONS = [
    "Appui à la coordination du partenariat",
    "Animation de projets jeunesse",
    "Suivi des chantiers d'assainissement",
    "Appui à l'état civil",
    "Communication et sensibilisation",
]
VOL_FIELDS = ["Coopération décentralisée", "Eau et assainissement", "Jeunesse", "Santé", "Education"]

# extra free-text paragraphs (invented), spliced into the text blocks
FILLER = [
    "Dans un cadre où la sécurité du territoire n’est pas pleinement garantie, le programme de coopération s’est "
    "attelé à mettre en place un système de suivi évaluation basé sur un ensemble d’acteurs locaux, aussi bien élus "
    "que techniciens, appuyés par un coordinateur recruté localement à {x}.",
    "Les besoins en formation des agents ont pu être identifiés lors des missions croisées de {y} et {y1}, et des "
    "sessions sur l’état civil, l’archivage, les ressources humaines et les finances locales ont été organisées.",
    "Le comité de pilotage, réuni chaque année alternativement à {fr} et à {x}, valide le programme d’actions, le "
    "budget prévisionnel et les indicateurs de résultat ; il associe les services techniques et la société civile.",
    "Les actions d’éducation à la citoyenneté mondiale menées à {fr} (expositions, interventions dans les écoles, "
    "semaine de la solidarité internationale) permettent de faire connaître le partenariat auprès des habitants.",
    "Enfin, le renouvellement des conventions témoigne d’une volonté politique et d’une vision partagée, mais aussi "
    "du soutien des citoyens représentés par ces collectivités.",
    "Un bilan à mi-parcours réalisé en {y1} a conduit à réorienter une partie des crédits vers la maintenance des "
    "ouvrages réalisés et vers l’accompagnement des comités de gestion mis en place par la commune de {x}.",
]

# capitals for the embassy line ("Ambassade de France à Bamako"); others fall back on the country
CAPITALS = {
    "MLI": "Bamako",
    "BFA": "Ouagadougou",
    "SEN": "Dakar",
    "MDG": "Antananarivo",
    "BEN": "Cotonou",
    "MAR": "Rabat",
    "NER": "Niamey",
    "CMR": "Yaoundé",
    "TUN": "Tunis",
    "HTI": "Port-au-Prince",
    "TGO": "Lomé",
    "LBN": "Beyrouth",
    "VNM": "Hanoï",
    "PSE": "Jérusalem",
    "DEU": "Berlin",
    "ITA": "Rome",
    "POL": "Varsovie",
    "ROU": "Bucarest",
    "ESP": "Madrid",
    "CAN": "Ottawa",
    "MRT": "Nouakchott",
    "GIN": "Conakry",
    "CIV": "Abidjan",
    "COD": "Kinshasa",
    "CHN": "Pékin",
    "JPN": "Tokyo",
    "BRA": "Brasilia",
    "ARM": "Erevan",
    "KHM": "Phnom Penh",
    "LAO": "Vientiane",
    "USA": "Washington",
    "GBR": "Londres",
    "BEL": "Bruxelles",
    "MEX": "Mexico",
    "CHL": "Santiago",
    "ARG": "Buenos Aires",
    "ISR": "Tel-Aviv",
    "DZA": "Alger",
    "EGY": "Le Caire",
    "RWA": "Kigali",
    "COG": "Brazzaville",
    "GAB": "Libreville",
    "TCD": "N'Djamena",
    "CAF": "Bangui",
    "COM": "Moroni",
    "DJI": "Djibouti",
    "CPV": "Praia",
    "GHA": "Accra",
    "NIC": "Managua",
    "BOL": "La Paz",
    "PER": "Lima",
    "COL": "Bogota",
    "IND": "New Delhi",
    "UKR": "Kiev",
    "MDA": "Chisinau",
    "GEO": "Tbilissi",
    "TUR": "Ankara",
    "PRT": "Lisbonne",
    "HUN": "Budapest",
    "CZE": "Prague",
    "SVK": "Bratislava",
    "BGR": "Sofia",
    "GRC": "Athènes",
    "IRL": "Dublin",
    "NLD": "La Haye",
    "CHE": "Berne",
    "AUT": "Vienne",
    "RUS": "Moscou",
    "KOR": "Séoul",
    "THA": "Bangkok",
    "MUS": "Port-Louis",
    "MOZ": "Maputo",
    "ZAF": "Pretoria",
    "KEN": "Nairobi",
    "ETH": "Addis-Abeba",
    "BDI": "Bujumbura",
    "GNB": "Bissau",
    "GMB": "Banjul",
    "JOR": "Amman",
    "ARM_": "",
    "CUB": "La Havane",
    "DOM": "Saint-Domingue",
    "ECU": "Quito",
    "GTM": "Guatemala",
    "HND": "Tegucigalpa",
    "SLV": "San Salvador",
    "URY": "Montevideo",
    "PRY": "Asuncion",
    "VEN": "Caracas",
    "MNG": "Oulan-Bator",
    "IDN": "Jakarta",
    "PHL": "Manille",
    "LKA": "Colombo",
    "NPL": "Katmandou",
    "BGD": "Dacca",
    "PAK": "Islamabad",
    "AFG": "Kaboul",
    "IRQ": "Bagdad",
    "SYR": "Damas",
    "LBY": "Tripoli",
    "SDN": "Khartoum",
    "TZA": "Dodoma",
    "UGA": "Kampala",
    "ZMB": "Lusaka",
    "ZWE": "Harare",
    "AGO": "Luanda",
    "NAM": "Windhoek",
    "SYC": "Victoria",
    "STP": "Sao Tomé",
    "GNQ": "Malabo",
    "LBR": "Monrovia",
    "SLE": "Freetown",
    "NGA": "Abuja",
    "SRB": "Belgrade",
    "BIH": "Sarajevo",
    "ALB": "Tirana",
    "MKD": "Skopje",
    "HRV": "Zagreb",
    "SVN": "Ljubljana",
    "LTU": "Vilnius",
    "LVA": "Riga",
    "EST": "Tallinn",
    "FIN": "Helsinki",
    "SWE": "Stockholm",
    "NOR": "Oslo",
    "DNK": "Copenhague",
    "ISL": "Reykjavik",
    "LUX": "Luxembourg",
    "AZE": "Bakou",
    "KAZ": "Astana",
    "UZB": "Tachkent",
    "KGZ": "Bichkek",
    "TJK": "Douchanbé",
    "VUT": "Port-Vila",
    "FJI": "Suva",
    "AUS": "Canberra",
    "NZL": "Wellington",
    "MYS": "Kuala Lumpur",
    "SGP": "Singapour",
    "MMR": "Rangoun",
    "SAU": "Riyad",
    "ARE": "Abou Dabi",
    "QAT": "Doha",
    "OMN": "Mascate",
    "YEM": "Sanaa",
    "IRN": "Téhéran",
    "BLR": "Minsk",
    "CYP": "Nicosie",
    "MLT": "La Valette",
    "PAN": "Panama",
    "CRI": "San José",
    "JAM": "Kingston",
    "SUR": "Paramaribo",
    "1A0": "Pristina",
    "MNE": "Podgorica",
    "MWI": "Lilongwe",
    "BWA": "Gaborone",
    "SSD": "Djouba",
    "ERI": "Asmara",
    "SOM": "Mogadiscio",
    "TLS": "Dili",
    "LSO": "Maseru",
    "SWZ": "Mbabane",
}
# (code, weight) in the Atlas's proportions: Mali 454, Burkina Faso 446, Sénégal 410, then a long tail
COUNTRY_WEIGHTS = [
    ("MLI", 454),
    ("BFA", 446),
    ("SEN", 410),
    ("MDG", 290),
    ("BEN", 270),
    ("MAR", 240),
    ("NER", 200),
    ("CMR", 180),
    ("TUN", 170),
    ("HTI", 150),
    ("TGO", 150),
    ("LBN", 130),
    ("VNM", 120),
    ("PSE", 110),
    ("DEU", 110),
    ("ITA", 95),
    ("POL", 90),
    ("ROU", 85),
    ("MRT", 90),
    ("CIV", 90),
    ("GIN", 80),
    ("ESP", 70),
    ("CAN", 70),
    ("DZA", 60),
    ("COD", 60),
    ("CHN", 60),
    ("JPN", 50),
    ("ARM", 50),
    ("KHM", 50),
    ("LAO", 40),
    ("BRA", 40),
    ("USA", 40),
    ("GBR", 40),
    ("BEL", 35),
    ("COM", 30),
    ("TCD", 30),
    ("COG", 30),
    ("ISR", 30),
    ("GAB", 20),
    ("CAF", 20),
    ("RWA", 20),
    ("EGY", 20),
    ("MEX", 20),
    ("CHL", 20),
    ("ARG", 20),
    ("CPV", 18),
    ("GHA", 15),
    ("NIC", 15),
    ("BOL", 15),
    ("PER", 15),
    ("COL", 12),
    ("IND", 12),
    ("UKR", 15),
    ("MDA", 12),
    ("GEO", 10),
    ("TUR", 10),
    ("PRT", 12),
    ("HUN", 10),
    ("CZE", 10),
    ("SVK", 6),
    ("BGR", 8),
    ("GRC", 8),
    ("IRL", 6),
    ("NLD", 6),
    ("CHE", 8),
    ("AUT", 6),
    ("RUS", 10),
    ("KOR", 8),
    ("THA", 6),
    ("MUS", 8),
    ("MOZ", 6),
    ("ZAF", 8),
    ("KEN", 5),
    ("ETH", 5),
    ("BDI", 8),
    ("GNB", 6),
    ("GMB", 5),
    ("JOR", 5),
    ("CUB", 6),
    ("DOM", 4),
    ("ECU", 5),
    ("GTM", 4),
    ("HND", 3),
    ("SLV", 4),
    ("URY", 4),
    ("PRY", 3),
    ("VEN", 3),
    ("MNG", 3),
    ("IDN", 3),
    ("PHL", 3),
    ("LKA", 3),
    ("NPL", 4),
    ("BGD", 3),
    ("PAK", 2),
    ("AFG", 2),
    ("IRQ", 3),
    ("SYR", 2),
    ("LBY", 2),
    ("SDN", 2),
    ("TZA", 3),
    ("UGA", 3),
    ("ZMB", 2),
    ("ZWE", 2),
    ("AGO", 2),
    ("NAM", 2),
    ("SYC", 2),
    ("STP", 2),
    ("GNQ", 2),
    ("LBR", 2),
    ("SLE", 2),
    ("NGA", 3),
    ("SRB", 4),
    ("BIH", 4),
    ("ALB", 3),
    ("MKD", 3),
    ("HRV", 3),
    ("SVN", 2),
    ("LTU", 3),
    ("LVA", 3),
    ("EST", 3),
    ("FIN", 3),
    ("SWE", 3),
    ("NOR", 2),
    ("DNK", 2),
    ("ISL", 1),
    ("LUX", 3),
    ("AZE", 2),
    ("KAZ", 2),
    ("UZB", 2),
    ("KGZ", 1),
    ("TJK", 1),
    ("VUT", 3),
    ("FJI", 1),
    ("AUS", 2),
    ("NZL", 1),
    ("MYS", 1),
    ("SGP", 1),
    ("MMR", 1),
    ("SAU", 1),
    ("ARE", 1),
    ("QAT", 1),
    ("1A0", 2),
    ("MNE", 1),
    ("MWI", 1),
    ("BWA", 1),
    ("CRI", 1),
]
AFRICA = {
    "MLI",
    "BFA",
    "SEN",
    "MDG",
    "BEN",
    "NER",
    "CMR",
    "TGO",
    "MRT",
    "CIV",
    "GIN",
    "COD",
    "COM",
    "TCD",
    "COG",
    "GAB",
    "CAF",
    "RWA",
    "CPV",
    "GHA",
    "MUS",
    "MOZ",
    "BDI",
    "GNB",
    "GMB",
    "TZA",
    "UGA",
    "ZMB",
    "ZWE",
    "AGO",
    "NAM",
    "STP",
    "GNQ",
    "LBR",
    "SLE",
    "NGA",
    "MWI",
    "BWA",
    "KEN",
    "ETH",
    "ZAF",
    "SYC",
}

# water agencies (basins) by region code of the French partner
AGENCY_BY_REGION = {
    "75": "Adour Garonne",
    "76": "Adour-Garonne",
    "32": "Artois-Picardie",
    "53": "Loire-Bretagne",
    "52": "Loire-Bretagne",
    "24": "Loire-Bretagne",
    "44": "Rhin-Meuse",
    "84": "Rhône-Méditerranée-Corse",
    "93": "Rhône-Méditerranée-Corse",
    "94": "Rhône-Méditerranée-Corse",
    "27": "Rhône-Méditerranée-Corse",
    "11": "Seine-Normandie",
    "28": "Seine-Normandie",
}
AGENCIES = [
    "Adour Garonne",
    "Artois-Picardie",
    "Loire-Bretagne",
    "Rhin-Meuse",
    "Rhône-Méditerranée-Corse",
    "Seine-Normandie",
]
MEAE = "Ministère de l'Europe et des Affaires étrangères"
FOREIGN_CATCHALL = "Collectivités et partenaires étrangers"

LIAISON = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'", 6: "des ", 7: "de las ", 8: "de los "}


# --------------------------------------------------------------------------------------------
# vocabularies (read at generation time)
# --------------------------------------------------------------------------------------------
class Vocab:
    """Real names from the reference data shipped in the package (src/coopgraph/data/, see its README
    for sources and licences): read by path, so that the generator needs nothing outside the repository
    and no install."""

    def __init__(self, root: Path = DATA_DIR):
        cog = json.loads((root / "cog.json").read_text("utf-8"))
        # communes: [insee, name, departement, region, siren, population]
        communes = [c for c in cog["communes"] if c[5]]
        self.communes = [(c[1], c[3], c[2]) for c in communes]
        self.commune_cum = list(itertools.accumulate(c[5] for c in communes))
        commune_region = {c[0]: c[3] for c in communes}
        population = {c[0]: c[5] for c in communes}
        # epci: [siren, name, type, members]; ept: [siren, name, members] (EPT is their type)
        epci = [(e[1], e[2], e[3]) for e in cog["epci"]] + [(e[1], "EPT", e[2]) for e in cog["ept"]]
        self.epci = []
        for name, kind, members in epci:
            reg = next((commune_region[m] for m in members if m in commune_region), "11")
            self.epci.append((name, kind, reg))
        # weight: the members' population (the shipped extract keeps no EPCI total)
        self.epci_cum = list(itertools.accumulate(max(1, sum(population.get(m, 0) for m in e[2])) for e in epci))
        # departements: [code, name, region, zone, typeLiaison]; regions: [code, name, zone, typeLiaison]
        self.deps = [(d[1], d[4] or 0, d[2]) for d in cog["departements"]]
        self.regions = [(r[1], r[3] or 0, r[0]) for r in cog["regions"] if len(r[0]) == 2]
        names = country_labels(root / "countries.tsv")
        missing = [c for c, _ in COUNTRY_WEIGHTS if c not in names]
        if missing:
            raise SystemExit(f"synth: country codes not in the EU table: {missing}")
        self.countries = [(code, names[code]) for code, _ in COUNTRY_WEIGHTS]
        self.country_cum = list(itertools.accumulate(w for _, w in COUNTRY_WEIGHTS))


def country_labels(path: Path) -> dict[str, str]:
    """alpha-3 -> French preferred label, from the shipped extract of the EU country table."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        head = fh.readline().rstrip("\n").split("\t")
        a3, fr = head.index("alpha3"), head.index("label_fr")
        for line in fh:
            row = line.rstrip("\n").split("\t")
            out[row[a3]] = row[fr]
    return out


VOCAB: Vocab | None = None  # set in the parent before forking workers


# --------------------------------------------------------------------------------------------
# page generation
# --------------------------------------------------------------------------------------------
def pick(rng: random.Random, cum: list[int], items: list):
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


def with_article(prefix: str, name: str) -> str:
    """'Ville de' + 'Le Havre' -> 'Ville du Havre'."""
    if prefix.endswith(" de"):
        base = prefix[:-3]
        if name.startswith("Le "):
            return f"{base} du {name[3:]}"
        if name.startswith("Les "):
            return f"{base} des {name[4:]}"
        if name[0] in "AEIOUYÉÈÎÔ":
            return f"{base} d'{name}"
    return f"{prefix} {name}"


_LIAISONS = ("de la ", "de l'", "de l’", "du ", "des ", "de ", "d'", "d’")


def strip_liaison(name: str) -> str:
    """'du Bocage Bressuirais' -> 'Bocage Bressuirais' (the place a text would name)."""
    for lia in _LIAISONS:
        if name.startswith(lia) and len(name) > len(lia):
            return name[len(lia) :]
    return name


def french_partner(rng: random.Random, v: Vocab):
    """-> (written name, kind, region code, plain place name)"""
    r = rng.random()
    if r < 0.60:
        nom, reg, _dep = pick(rng, v.commune_cum, v.communes)
        s = rng.random()
        if s < 0.55:
            written = nom
        elif s < 0.80:
            written = with_article("Ville de", nom)
        elif s < 0.92:
            written = with_article("Mairie de", nom)
        else:
            written = with_article("Commune de", nom)
        return written, "commune", reg, nom
    if r < 0.78:
        nom, typ, reg = pick(rng, v.epci_cum, v.epci)
        plain = nom
        for short, long_ in (
            ("CA ", "Communauté d'agglomération "),
            ("CC ", "Communauté de communes "),
            ("CU ", "Communauté urbaine "),
        ):
            if nom.startswith(short):
                rest = nom[len(short) :]  # "du Bocage Bressuirais": the liaison belongs to the long form
                plain = strip_liaison(rest)
                s = rng.random()
                # A bare name is written only when nothing was cut from it ("CA du Bocage Bressuirais"
                # is never written "du Bocage Bressuirais"); otherwise the official short form.
                nom = long_ + rest if s < 0.7 else (nom if s < 0.85 or plain != rest else plain)
                break
        return nom, "epci", reg, plain
    if r < 0.92:
        nom, liaison, reg = v.deps[rng.randrange(len(v.deps))]
        s = rng.random()
        pre = "Département " if s < 0.6 else ("Conseil départemental " if s < 0.9 else "")
        written = pre + LIAISON.get(liaison, "de ") + nom if pre else nom
        return written, "departement", reg, nom
    nom, liaison, reg = v.regions[rng.randrange(len(v.regions))]
    s = rng.random()
    written = (
        ("Région " + nom) if s < 0.7 else ("Conseil régional " + LIAISON.get(liaison, "de ") + nom if s < 0.9 else nom)
    )
    return written, "region", reg, nom


def foreign_place(rng: random.Random, code: str) -> str:
    syl = SYL_AFRICA if code in AFRICA else SYL_OTHER
    word = "".join(rng.choice(syl) for _ in range(rng.choice((2, 2, 3, 3, 4))))
    word = word[0].upper() + word[1:]
    if rng.random() < 0.08:
        word += "-" + "".join(rng.choice(syl) for _ in range(2)).capitalize()
    return word


def ascii_fold(s: str) -> str:
    tr = str.maketrans("àâäéèêëîïôöùûüçÀÂÉÈÊÎÔÛÇ' ", "aaaeeeeiioouuucAAEEEIOUC--")
    return s.translate(tr)


def embassy_line(code: str, country: str) -> str:
    cap = CAPITALS.get(code)
    if cap:
        if cap.startswith("Le "):
            return f'Contacts dans le poste diplomatique "Ambassade de France au {cap[3:]}"'
        return f'Contacts dans le poste diplomatique "Ambassade de France à {cap}"'
    return f'Contacts dans le poste diplomatique "Ambassade de France en {country}"'


def fmt_amount(rng: random.Random, n: int, style: float) -> str:
    """Plain integer most of the time; sometimes French style (thousands space / nbsp, comma decimals, €)."""
    if style < 0.75:
        return str(n)
    sep = " " if rng.random() < 0.5 else NBSP
    s = f"{n:,}".replace(",", sep)
    if rng.random() < 0.2:
        s += f",{rng.choice((0, 50, 25, 10)):02d}"
    if rng.random() < 0.4:
        s += " €"
    return s


def row(cells: list[str], ncols: int, last: bool) -> str:
    """A table row the way the Atlas writes it: empty cells dropped (later values shift left); the missing
    cells come back as bare pipes at the end of the row, except on the last row of the table."""
    cells = [c for c in cells if c != ""]
    s = " | ".join(cells) + " |"
    missing = ncols - len(cells)
    if missing > 0 and not last:
        s += " " + "|" * missing
    return s


def table(header: str, ncols: int, rows: list[list[str]]) -> list[str]:
    if not rows:
        return [header, "---|"]
    out = [header, "---|" * ncols]
    for k, r in enumerate(rows):
        out.append(row(r, ncols, k == len(rows) - 1))
    return out


def odd_sentence(rng: random.Random, targets: list[str], truth: dict) -> str:
    form = rng.random()
    if form < 0.35:
        ts = sorted(
            set(rng.sample(targets, min(len(targets), rng.randint(1, 4)))),
            key=lambda t: [int(x) if x.isdigit() else 100 + ord(x) for x in t.split(".")],
        )
        truth["odd_targets"].update(ts)
        return f"afin de répondre aux ODD {', '.join(ts)}."
    if form < 0.55:
        g = targets[rng.randrange(len(targets))].split(".")[0]
        truth["odd_goals"].add(g)
        return f"en cohérence avec l’ODD {g}."
    if form < 0.70:
        g = targets[rng.randrange(len(targets))].split(".")[0]
        truth["odd_goals"].add(g)
        return f"dans le cadre de l’ODD n°{g}."
    if form < 0.85:
        t = targets[rng.randrange(len(targets))]
        truth["odd_targets"].add(t)
        return f"en contribuant à la cible {t} des Objectifs de Développement Durable."
    truth["odd_unnumbered"] = True
    return "dans la perspective des Objectifs de Développement Durable."


def de(phrase: str) -> str:
    """'de' with elision: de('eau et déchets') -> 'd’eau et déchets'."""
    return ("d’" if phrase[:1] in "aeiouyéèêAEIOUYÉ" else "de ") + phrase


def section_text(rng: random.Random, kind: str, ctx: dict, truth: dict) -> tuple[str, list[str]]:
    """-> (lead paragraph, block of lines that may be repeated)"""
    fr, x, pays, sub, y0 = ctx["fr_place"], ctx["x_place"], ctx["pays"], ctx["sub"].lower(), ctx["start"]
    if kind == "Contexte":
        lead = rng.choice(
            [
                f"Depuis {ctx['sign']}, {fr} et {x} ({pays}) entretiennent des liens d’amitié et de coopération.",
                f"En {y0 - 1}, un diagnostic partagé a mis en évidence des besoins importants en matière {de(sub)} à {x}.",
                f"La commune de {x} compte une population en forte croissance et des services publics encore fragiles.",
            ]
        )
        block = [
            f"Sur la base de ce diagnostic, et dans la continuité des actions menées entre {fr} et {x}, le présent projet entend :",
            f"- Renforcer les capacités des services de {x} en matière {de(sub)} ;",
            "- Associer la société civile et les habitants aux choix de la collectivité ;",
            "- Favoriser les échanges entre élus et techniciens des deux territoires.",
        ]
    elif kind == "Historique":
        lead = (
            f"Les premiers échanges entre {fr} et {x} datent de {ctx['sign']}, à l’initiative d’associations "
            f"locales et du comité de jumelage."
        )
        block = [
            f"Plusieurs conventions ont été signées depuis, la dernière en {max(ctx['sign'], y0 - 1)}, et ont permis "
            f"d’accompagner {x} dans la mise en œuvre de ses compétences.",
            f"Le bilan dressé par les deux collectivités est encourageant : les actions réalisées ont répondu "
            f"aux objectifs fixés, malgré un contexte national parfois difficile ({pays}).",
        ]
    elif kind == "Objectif du partenariat":
        lead = "Objectifs locaux :"
        block = [
            f"Le principal objectif à long terme du projet est de permettre aux acteurs de {x} de prendre en "
            f"charge durablement les questions {de(sub)}, {odd_sentence(rng, ctx['odd'], truth)}",
            "Objectifs en France :",
            f"- Accroître les compétences des services de {fr} et ouvrir les jeunes au monde ;",
            f"- Développer en France la connaissance du pays partenaire ({pays}).",
        ]
    else:
        lead = (
            f"Comme cela a été acté dans la convention pour la période {y0}-{ctx['end_year']}, les actions "
            f"porteront principalement sur les axes suivants :"
        )
        block = [
            f"- {ctx['sub']} ;",
            "- L’appui institutionnel ;",
            "- Le soutien à la formation et à la mobilité internationale des jeunes.",
        ]
        if rng.random() < 0.5:
            block.append(f"Ces actions s’inscrivent dans l’Agenda 2030, {odd_sentence(rng, ctx['odd'], truth)}")
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        block.insert(rng.randint(1, len(block)), rng.choice(FILLER).format(fr=fr, x=x, y=y0, y1=y0 + 1))
    return lead, block


def make_page(seed: int, n: int, fault: str | None) -> tuple[bytes, dict, str]:
    """-> (page bytes, truth record, fault detail)"""
    v = VOCAB
    rng = random.Random(f"coopgraph-synth:{seed}:{n}")
    truth: dict = {"n": n, "odd_targets": set(), "odd_goals": set(), "odd_unnumbered": False}

    # --- partners
    code, pays = pick(rng, v.country_cum, v.countries)
    nfr = rng.choices((1, 2, 3), (70, 25, 5))[0]
    frs = []
    seen = set()
    for _ in range(nfr):
        p = french_partner(rng, v)
        if p[0] not in seen:
            seen.add(p[0])
            frs.append(p)
    lead_fr = frs[0]
    nx = rng.choices((1, 2, 3), (65, 28, 7))[0]
    xs = []
    for k in range(nx):
        place = foreign_place(rng, code)
        pre = X_PREFIXES[rng.randrange(len(X_PREFIXES))]
        xs.append((pre + place, place, pays))
    x_place = xs[0][1]

    # --- dates
    start = rng.randint(2000, 2024)
    sign = start - rng.choice((0, 0, 0, 1, 1, 2, 5)) if rng.random() < 0.9 else start + 1
    sign = max(1990, sign)
    end_year = min(2030, start + rng.choice((1, 1, 2, 2, 3, 3, 4, 5)))
    has_end = rng.random() < 0.85
    end_date = f"{rng.choice((31, 30, 15, 1)):02d}/{rng.choice((12, 12, 12, 6, 3)):02d}/{end_year}" if has_end else ""
    if end_date.startswith("31/06"):
        end_date = "30/06/" + end_date[6:]
    status = STATUS_DONE if has_end and end_year < 2025 and rng.random() < 0.8 else STATUSES_RUNNING

    # --- themes
    theme = pick(rng, THEME_WEIGHTS, THEME_KEYS)
    subs = list(THEMES[theme])
    sub = subs[rng.randrange(len(subs))]
    subsub = rng.choice(THEMES[theme][sub])
    others = []
    for k in range(rng.choices((0, 1, 2, 3, 4, 5), (15, 20, 25, 20, 12, 8))[0]):
        t = pick(rng, THEME_WEIGHTS, THEME_KEYS)
        s = rng.choice(list(THEMES[t]))
        ss = rng.choice(THEMES[t][s]) if rng.random() < 0.3 else ""
        others.append([t, s, ss, str(k + 1)])
    odd_pool = SUB_ODD[sub] + [t for o in others for t in SUB_ODD[o[1]]][:6]

    fr_place = lead_fr[3]
    title_core = rng.choice(
        [
            f"Coopération décentralisée {fr_place} – {x_place} {start}-{end_year}",
            f"{sub} à {x_place}",
            f"Partenariat {fr_place} – {x_place}",
            f"Appui à la commune de {x_place} : {sub.lower()}",
            f"Programme de coopération {fr_place} / {x_place} ({pays})",
        ]
    )
    title = f"{TITLE_PREFIX}{title_core} (n°{n})"
    truth.update(
        title=title,
        country=pays,
        country_code=code,
        status=status,
        start_year=start,
        signature_year=sign,
        end_date=end_date,
        theme=[theme, sub, subsub],
        other_themes=[o[:3] for o in others],
        french_partners=[f[0] for f in frs],
        foreign_partners=[x[0] for x in xs],
    )

    ctx = {
        "fr_place": fr_place,
        "x_place": x_place,
        "pays": pays,
        "sub": sub,
        "start": start,
        "sign": sign,
        "end_year": end_year,
        "odd": odd_pool,
    }
    summary_src = (
        f"Liés depuis {sign}, {fr_place} et {x_place} ont engagé un programme de coopération "
        f"décentralisée consacré au thème « {sub} ». Au regard des bilans technique et financier des "
        f"actions réalisées, les partenaires ont souhaité poursuivre et élargir leur action commune."
    )
    cut = rng.randint(185, 205)
    summary = summary_src[:cut].rstrip(" ")

    L: list[str] = [HEADER, MARKER.format(seed=seed, n=n)]
    # embassy contacts
    L.append(embassy_line(code, pays))
    for role in EMBASSY_ROLES[:2] if rng.random() < 0.6 else [EMBASSY_ROLES[rng.randrange(4)]]:
        fn, ln = rng.choice(FIRST_NAMES_FR), rng.choice(LAST_NAMES_FR)
        L += [
            role,
            f"{fn} {ln}",
            "Courriel :",
            f"{ascii_fold(fn).lower()}.{ascii_fold(ln).lower()}[at]diplomatie.gouv.fr",
        ]
    if fault != "missing-title":
        L += ["Titre", title, summary]
    L += [
        "Année de première signature de la convention",
        str(sign),
        "Thématique d'intervention",
        theme,
        "Sous-thématique d'intervention",
        sub,
        "Sous-sous-thématique d'intervention",
    ]
    if subsub:
        L.append(subsub)
    L.append("Autres thématiques mises en œuvre pour le partenariat")
    L += table("Thématique éligible | Sous-thématique | Sous-sous-thématique | Priorité |", 4, others)
    L += ["<<", "< pagination.page.precedent", "1", "pagination.page.suivant >", ">>"]
    L += ["Année de début du partenariat", str(start), "Le partenariat est", status, "Date de fin du partenariat"]
    detail = ""
    if fault == "impossible-date":
        end_date = "31/02/2021"
        detail = end_date
    if end_date:
        L.append(end_date)

    # free-text sections: repeat all blocks (as in the real page), some, or none; rarely drop a section
    rep = rng.random()
    for kind in ("Contexte", "Historique", "Objectif du partenariat", "Description détaillée du partenariat"):
        if kind != "Objectif du partenariat" and rng.random() < 0.06:
            continue
        lead, block = section_text(rng, kind, ctx, truth)
        L.append(kind)
        L.append(lead)
        L += block
        if rep < 0.45 or (rep < 0.75 and rng.random() < 0.5):
            L += block
    truth["odd_targets"] = sorted(truth["odd_targets"])
    truth["odd_goals"] = sorted(truth["odd_goals"])

    form = FORMS[rng.randrange(len(FORMS))]
    truth["form"] = form
    L += ["Votre partenariat prend la forme d'un(e)", form, "Partenaires étrangers du partenariat"]
    xrows = [[x[0], x[2], "![]()"] for x in xs]
    if fault == "missing-country":
        k = rng.randrange(len(xrows))
        xrows[k][1] = ""
        detail = xrows[k][0]
    L += table("Nom de la collectivité étrangère | Pays | |", 3, xrows)
    L.append("Contacts dans les partenaires étrangers du partenariat")
    crows = []
    for x in xs:
        if rng.random() < 0.7:
            fn, ln = rng.choice(FIRST_NAMES_X), rng.choice(LAST_NAMES_X)
            mail = f"{ascii_fold(ln).lower()}{ascii_fold(fn)[0].lower()}{rng.randint(1, 99)}@{rng.choice(MAIL_DOMAINS)}"
            crows.append([x[0], ln, fn, rng.choice(FUNCTIONS_X), mail])
    L += table("Nom de la collectivité étrangère | Nom | Prénom | Fonction | Courriel |", 5, crows)
    L.append("Collectivités territoriales partenaires du partenariat")
    L += table("Nom de la collectivité territoriale | |", 2, [[f[0], "![]()"] for f in frs])
    triennial = rng.random() < 0.3
    truth["triennial"] = triennial
    L.append("Le partenariat est triennal" if triennial else "Le partenariat n'est pas triennal")

    # funding
    L.append("Financement du partenariat")
    years = list(range(start, min(end_year, 2025) + 1))[:4]
    funders: list[tuple[str, bool]] = [(MEAE, False)]
    for f in frs:
        funders.append((f[0], True))
    if sub == "Eau et déchets" or rng.random() < 0.15:
        funders.append(("Agence de l'Eau " + AGENCY_BY_REGION.get(lead_fr[2], rng.choice(AGENCIES)), False))
    if rng.random() < 0.5:
        funders.append((FOREIGN_CATCHALL, False))
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        pat = rng.choice(ASSOC_PATTERNS)
        funders.append(
            (
                pat.format(
                    fr=fr_place,
                    x=x_place,
                    pays=pays,
                    pn=rng.choice(FIRST_NAMES_FR),
                    ln=rng.choice(LAST_NAMES_FR).capitalize(),
                ),
                False,
            )
        )
    nrows = rng.choices(range(1, 16), (12, 14, 14, 12, 10, 8, 6, 5, 4, 3, 3, 2, 2, 1, 1))[0]
    style = rng.random()  # one writing habit per page
    frows = []
    amounts = []
    while len(frows) < nrows:
        name, is_coll = funders[rng.randrange(len(funders))]
        y = years[rng.randrange(len(years))]
        big = name == MEAE or name.startswith("Agence")
        amt = rng.randint(20, 600) * 100 if big else rng.randint(1, 300) * 50
        cents = 0
        a = fmt_amount(rng, amt, style if rng.random() < 0.8 else 0.0)
        if "," in a:
            cents = int(a.split(",")[1][:2])
        amounts.append(amt * 100 + cents)
        if is_coll and rng.random() < 0.4:  # a collectivité's own row with the three "1%" amounts
            ones = [str(rng.randint(0, 60) * 100) if rng.random() < 0.7 else "0" for _ in range(3)]
            frows.append([name, a, *ones, str(y)])
        else:
            frows.append([name, a, "", "", "", str(y)])
    if fault == "amount-nc":
        k = rng.randrange(len(frows))
        bad = rng.choice(("N/C", "?"))
        frows[k][1] = bad
        amounts[k] = 0
        detail = f"row {k + 1}: {bad}"
    truth["funding_rows"] = len(frows)
    truth["funding_total_cents"] = sum(amounts)
    L += table(
        "Nom du financeur | Montant en euros | Montant 1% Eau (Loi Oudin 2005) | Montant 1% Eau (Loi Oudin 2005) "
        "| Montant 1% Eau (Loi Oudin 2005) | Année |",
        6,
        frows,
    )

    L.append("Volontaires impliqués dans le partenariat (VSI, service civique, etc.) d'Échange et de Solidarité")
    vrows = []
    if rng.random() < 0.12:
        for _ in range(rng.randint(1, 2)):
            vrows.append(
                [
                    rng.choice(LAST_NAMES_FR).capitalize(),
                    rng.choice(FIRST_NAMES_FR),
                    rng.choice(MISSIONS),
                    rng.choice(VOL_FIELDS),
                    xs[0][0],
                ]
            )
    truth["volunteers"] = len(vrows)
    L += table("Nom | Prénom | Mission | Champs d'action | Entité d'affectation |", 5, vrows)

    text = "\n".join(L)  # no newline at the end of the file, as in the real page
    if fault == "empty-file":
        return b"", truth, ""
    if fault == "truncated":
        cut = rng.randint(len(text) // 10, len(text) * 6 // 10)
        detail = f"cut at character {cut} of {len(text)}"
        text = text[:cut]
    return text.encode("utf-8"), truth, detail


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------
def page_path(n: int, total: int) -> str:
    width = max(6, len(str(total)))
    name = f"synth-{n:0{width}d}.txt"
    if total > SHARD_SIZE:
        return f"{(n - 1) // SHARD_SIZE:03d}/{name}"
    return name


def _truth_json(t: dict) -> str:
    return json.dumps(t, ensure_ascii=False, sort_keys=True)


def work(args: tuple) -> list[str]:
    seed, lo, hi, total, out, faults, want_truth = args
    truths = []
    out = Path(out)
    made_dirs = set()
    for n in range(lo, hi):
        rel = page_path(n, total)
        d = rel.rpartition("/")[0]
        if d and d not in made_dirs:
            (out / d).mkdir(parents=True, exist_ok=True)
            made_dirs.add(d)
        data, truth, detail = make_page(seed, n, faults.get(n))
        with open(out / rel, "wb") as fh:
            fh.write(data)
        if want_truth:
            truth["file"] = rel
            truth["fault"] = faults.get(n, "")
            truths.append(_truth_json(truth))
        if n in faults:
            faults[n] = f"{faults[n]}\t{detail}"
    return [truths, {n: faults[n] for n in range(lo, hi) if n in faults}]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a synthetic (never real) corpus of Atlas pages.")
    ap.add_argument("--partnerships", "-n", type=int, required=True, help="number of pages to write")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--faults", type=float, default=0.0, help="fraction of pages carrying one fault (0..1)")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, help="worker processes")
    ap.add_argument("--truth", action="store_true", help="also write DIR/truth.jsonl (what each page says)")
    a = ap.parse_args(argv)
    if a.partnerships < 0 or not 0.0 <= a.faults <= 1.0:
        ap.error("--partnerships must be >= 0 and --faults in [0, 1]")

    t0 = time.perf_counter()
    global VOCAB
    VOCAB = Vocab()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    N = a.partnerships
    frng = random.Random(f"coopgraph-synth-faults:{a.seed}")
    k = round(N * a.faults)
    faulty = sorted(frng.sample(range(1, N + 1), k)) if k else []
    faults = {n: FAULTS[frng.randrange(len(FAULTS))] for n in faulty}

    step = 2000
    chunks = [
        (
            a.seed,
            lo,
            min(lo + step, N + 1),
            N,
            str(out),
            {n: f for n, f in faults.items() if lo <= n < lo + step},
            a.truth,
        )
        for lo in range(1, N + 1, step)
    ]
    jobs = max(1, min(a.jobs, len(chunks)))
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(work, chunks, chunksize=1)
    else:
        results = [work(c) for c in chunks]

    with open(out / "faults.tsv", "w", encoding="utf-8", newline="\n") as fh:
        fh.write("file\tfault\tdetail\n")
        for _, fl in results:
            for n in sorted(fl):
                fh.write(f"{page_path(n, N)}\t{fl[n]}\n")
    if a.truth:
        with open(out / "truth.jsonl", "w", encoding="utf-8", newline="\n") as fh:
            for tr, _ in results:
                for line in tr:
                    fh.write(line + "\n")
    dt = time.perf_counter() - t0
    print(f"synth: {N} synthetic pages ({k} faulty) in {out} in {dt:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
