//! Test support shared by the integration tests and benchmarks: a generated fixture corpus of short
//! text and Markdown files with known facts, and the queries whose answers they hold.

use std::path::Path;

pub mod fuzz;
pub mod hostile;

/// One fixture file: name, content, and a query whose best match is this file.
pub struct Fixture {
    /// File name relative to the corpus root.
    pub name: &'static str,
    /// File content.
    pub content: &'static str,
    /// A query this file answers.
    pub query: &'static str,
}

/// The fixture corpus: distinct, invented facts, so that the right file is unambiguous.
pub const FIXTURES: &[Fixture] = &[
    Fixture {
        name: "lighthouses/korvath-point.md",
        content: "# Korvath Point Lighthouse\n\nThe lighthouse at Korvath Point was built in 1847.\nIts engineer was Miriam Tallis, who designed the spiral granite stair.\n\n## Light\n\nThe lamp burned whale oil until 1902, when it was converted to kerosene.\nThe beam can be seen from 31 kilometres away on a clear night.\n",
        query: "who was the engineer of the Korvath Point lighthouse",
    },
    Fixture {
        name: "recipes/saffron-bread.txt",
        content: "Saffron bread from the island of Veltrin\n\nUse 0.5 grams of saffron threads soaked in warm milk for twenty minutes.\nKnead the dough with cardamom and raisins.\nBake at 190 degrees Celsius for 35 minutes until golden.\nVeltrin bakers traditionally serve it on the winter solstice.\n",
        query: "how long to bake saffron bread",
    },
    Fixture {
        name: "astronomy/comet-halvard.md",
        content: "# Comet Halvard\n\nComet Halvard returns every 212 years.\nIt was first recorded by the astronomer Ilse Brandvik in 1611.\nIts tail is unusually green because of diatomic carbon.\n",
        query: "orbital period of comet Halvard",
    },
    Fixture {
        name: "gardening/blue-tomatoes.txt",
        content: "Growing blue tomatoes\n\nThe Indigo Marrow variety needs at least eight hours of sun.\nWater deeply twice a week rather than a little every day.\nAnthocyanin gives the skin its blue colour where the sun touches the fruit.\n",
        query: "what makes tomato skin blue",
    },
    Fixture {
        name: "company/travel-policy.md",
        content: "# Travel policy\n\n## Flights\n\nEmployees book economy class for flights shorter than six hours.\nBusiness class is allowed for flights of six hours or more.\n\n## Hotels\n\nThe nightly hotel limit is 180 euros in Europe and 240 dollars in North America.\nReceipts must be filed within 30 days of returning.\n",
        query: "hotel nightly limit in Europe",
    },
    Fixture {
        name: "company/onboarding.md",
        content: "# Onboarding checklist\n\nNew staff receive a laptop on their first morning.\nThe security training module must be completed within the first week.\nEvery newcomer is paired with a mentor called an anchor buddy.\n",
        query: "what is an anchor buddy",
    },
    Fixture {
        name: "history/treaty-of-ostrava-falls.txt",
        content: "The Treaty of Ostrava Falls\n\nSigned in 1723 between the river guilds of Lenmark and Suvia.\nIt fixed the toll for barges at three silver pennies per ton.\nThe treaty lasted until the great flood of 1771 destroyed the toll houses.\n",
        query: "barge toll set by the Treaty of Ostrava Falls",
    },
    Fixture {
        name: "music/glass-harmonium.md",
        content: "# The glass harmonium\n\nThe glass harmonium has 48 tuned crystal bowls.\nIt is played with wet fingertips and a foot-driven spindle.\nComposer Oskar Lindqvist wrote four sonatas for it in 1789.\n",
        query: "how many crystal bowls does the glass harmonium have",
    },
    Fixture {
        name: "cars/maintenance-log.txt",
        content: "Maintenance log for the grey station wagon\n\n2023-03-14: oil change at 45,200 km, filter replaced.\n2023-09-02: winter tyres fitted, pressure 2.4 bar.\n2024-01-20: timing belt replaced at 60,100 km by the garage on Mill Road.\n",
        query: "when was the timing belt replaced",
    },
    Fixture {
        name: "pets/parrot-care.md",
        content: "# Caring for Pip the parrot\n\nPip is an African grey who eats pellets, walnuts and fresh pepper.\nNever feed Pip avocado: it is toxic to parrots.\nPip's cage is cleaned every Sunday morning.\n",
        query: "which food is toxic to parrots",
    },
    Fixture {
        name: "geology/basalt-columns.txt",
        content: "Basalt columns of Hraunfell\n\nThe columns formed when a lava lake cooled slowly 14 million years ago.\nMost columns are hexagonal, but some have five or seven sides.\nThe tallest column measures 29 metres.\n",
        query: "how tall is the tallest basalt column at Hraunfell",
    },
    Fixture {
        name: "projects/zephyr-launch.md",
        content: "# Project Zephyr\n\n## Timeline\n\nThe beta of Zephyr opens to 500 testers on 4 March.\nGeneral availability is planned for 17 June.\n\n## Risks\n\nThe main risk is the payment provider's new API, due in May.\n",
        query: "when is Zephyr general availability",
    },
    Fixture {
        name: "medicine/dosage-notes.txt",
        content: "Notes from the clinic visit\n\nThe doctor prescribed amoxicillin 500 mg three times a day for seven days.\nTake it with food to avoid stomach upset.\nA follow-up appointment is booked for the 12th.\n",
        query: "amoxicillin dose prescribed",
    },
    Fixture {
        name: "sports/rowing-club.md",
        content: "# Riverside Rowing Club\n\nTraining starts at 6:15 on Tuesdays and Thursdays.\nThe club's eight is named Heron and was built of cedar in 1968.\nAnnual membership costs 320 pounds.\n",
        query: "what is the rowing club eight boat named",
    },
    Fixture {
        name: "architecture/stave-church.txt",
        content: "The stave church at Urnevik\n\nBuilt around 1130, it is one of the oldest wooden buildings in the region.\nIts roof is covered with pine shingles coated in tar every five years.\nDragon heads carved on the gables were meant to ward off evil.\n",
        query: "how often are the stave church shingles tarred",
    },
    Fixture {
        name: "finance/budget-2024.md",
        content: "# Household budget 2024\n\nRent is 1,150 per month.\nGroceries are budgeted at 420 per month.\nThe emergency fund target is six months of expenses, about 9,800.\n",
        query: "emergency fund target",
    },
    Fixture {
        name: "linguistics/whistled-language.txt",
        content: "Whistled languages\n\nOn the island of Gomera people still speak Silbo, a whistled form of Spanish.\nWhistles can carry up to five kilometres across ravines.\nSilbo has been taught in local schools since 1999.\n",
        query: "since when is Silbo taught in schools",
    },
    Fixture {
        name: "chemistry/lab-safety.md",
        content: "# Lab safety rules\n\nAlways add acid to water, never water to acid.\nHydrofluoric acid requires calcium gluconate gel at the bench.\nEye wash stations are tested every Monday.\n",
        query: "antidote gel for hydrofluoric acid",
    },
    Fixture {
        name: "travel/iceland-itinerary.txt",
        content: "Iceland itinerary\n\nDay 1: Reykjavik, Hallgrimskirkja and the harbour.\nDay 2: the Golden Circle with Thingvellir, Geysir and Gullfoss.\nDay 3: drive to Vik and walk on the black sand beach at Reynisfjara.\n",
        query: "which day do we visit the black sand beach",
    },
    Fixture {
        name: "software/deploy-runbook.md",
        content: "# Deploy runbook\n\n1. Freeze merges to the main branch.\n2. Run the migration dry-run against the staging replica.\n3. Deploy with the blue-green switch; keep the old pool for 30 minutes.\n4. Roll back by flipping the load balancer weight to the blue pool.\n",
        query: "how to roll back a deploy",
    },
    Fixture {
        name: "botany/moonflower.txt",
        content: "The moonflower\n\nMoonflowers open at dusk and close by mid-morning.\nThey are pollinated by hawk moths with very long tongues.\nThe white petals reflect moonlight, helping moths find them.\n",
        query: "what pollinates moonflowers",
    },
    Fixture {
        name: "family/grandmother-stories.md",
        content: "# Grandmother's stories\n\nGrandmother Elin was born in 1931 in a fishing village called Skarvik.\nShe worked as a telegraph operator during the winter of 1950.\nHer favourite saying was that the sea keeps no promises.\n",
        query: "where was grandmother Elin born",
    },
    Fixture {
        name: "physics/pendulum-notes.txt",
        content: "Pendulum experiment notes\n\nA pendulum of length 1.00 m gave a period of 2.006 seconds.\nFrom this we estimated g as 9.81 metres per second squared.\nAir resistance reduced the amplitude by 4 percent per minute.\n",
        query: "measured period of the one metre pendulum",
    },
    Fixture {
        name: "books/reading-list.md",
        content: "# Reading list\n\nThe Salt Archive by Noor Haddad, a novel about a desert library.\nQuiet Engines by Tomas Reyes, essays on small machines.\nThe Ninth Orchard by Li Wen, poems about an orchard that bears fruit once a decade.\n",
        query: "novel about a desert library",
    },
    Fixture {
        name: "weather/station-readings.txt",
        content: "Weather station readings for Blackmoor Ridge\n\nThe record low was minus 31.4 degrees on 9 February 2021.\nAverage annual rainfall is 1,380 millimetres.\nThe strongest recorded gust reached 164 kilometres per hour.\n",
        query: "record low temperature at Blackmoor Ridge",
    },
];

/// Files that are not text, to check that the job goes on: (name, bytes).
pub const BAD_FILES: &[(&str, &[u8])] = &[
    ("misc/empty.txt", b""),
    ("misc/binary.txt", b"\x00\x01\x02\x03\xff\xfe\x00\x00garbage\x00"),
    ("misc/photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
    ("misc/archive.7z", b"7z\xbc\xaf\x27\x1c not read"),
];

/// Writes the fixture corpus (and the bad files) under `root`.
pub fn write_corpus(root: &Path) -> std::io::Result<()> {
    for f in FIXTURES {
        let p = root.join(f.name);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(p, f.content)?;
    }
    for (name, bytes) in BAD_FILES {
        let p = root.join(name);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(p, bytes)?;
    }
    Ok(())
}
