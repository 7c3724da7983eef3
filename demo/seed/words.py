"""Word lists the generator draws names, places and labels from.

Everything here is fictional demo material: phone numbers use the 555-01xx
range reserved for fiction and e-mail addresses use the reserved example domains.
"""

from __future__ import annotations

from dataclasses import dataclass

MALE_FIRST = (
    "James", "Michael", "Robert", "David", "William", "Jose", "Daniel", "Anthony",
    "Christopher", "Joshua", "Matthew", "Andrew", "Juan", "Carlos", "Luis", "Brandon",
    "Justin", "Tyler", "Kevin", "Jason", "Eric", "Jonathan", "Adrian", "Miguel",
    "Derrick", "Terrence", "Marcus", "Darnell", "Cody", "Travis", "Ryan", "Aaron",
    "Victor", "Jesus", "Antonio", "Ricardo", "Dustin", "Shawn", "Trevor", "Jamal",
    "Isaac", "Nathan", "Samuel", "Kyle", "Brian", "Steven", "Omar", "Mario",
)  # fmt: skip
FEMALE_FIRST = (
    "Maria", "Jessica", "Ashley", "Amanda", "Sarah", "Jennifer", "Brittany",
    "Stephanie", "Elizabeth", "Lauren", "Crystal", "Vanessa", "Monica", "Angela",
    "Veronica", "Alicia", "Tiffany", "Erica", "Latoya", "Keisha", "Samantha",
    "Megan", "Rachel", "Nicole", "Andrea", "Diana", "Gabriela", "Adriana", "Yesenia",
    "Kayla", "Destiny", "Brianna", "Courtney", "Heather", "Melissa", "Amber",
    "Tamika", "Marisol", "Leticia", "Priscilla", "Kimberly", "Danielle", "Erin",
    "Holly", "Naomi", "Jasmine", "Tanya", "Lisa",
)  # fmt: skip
CHILD_FIRST = (
    "Liam", "Noah", "Mateo", "Elijah", "Ethan", "Aiden", "Jayden", "Josiah", "Ezra",
    "Caleb", "Isaiah", "Gael", "Santiago", "Dylan", "Logan", "Carter", "Julian",
    "Angel", "Emma", "Olivia", "Sofia", "Isabella", "Mia", "Camila", "Ava", "Aria",
    "Zoe", "Layla", "Emily", "Valentina", "Madison", "Chloe", "Abigail", "Harper",
    "Natalia", "Genesis", "Brooklyn", "Aaliyah", "Nevaeh", "Luna", "Ximena",
    "Jordan", "Avery", "Riley", "Cameron", "Micah",
)  # fmt: skip
MIDDLE_INITIAL_NAMES = (
    "Lee", "Ann", "Marie", "James", "Ray", "Lynn", "Jose", "Luis", "Rose", "Dean",
    "Nicole", "Alexander", "Elena", "Grace", "Wayne",
)  # fmt: skip
LAST = (
    "Garcia", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Rodriguez", "Perez",
    "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Cruz",
    "Morales", "Ortiz", "Gutierrez", "Chavez", "Ramos", "Vasquez", "Castillo",
    "Jimenez", "Mendoza", "Ruiz", "Alvarez", "Romero", "Smith", "Johnson",
    "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Thomas",
    "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
    "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
    "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins",
    "Edwards", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Reed", "Bailey",
    "Bell", "Cooper", "Richardson", "Cox", "Howard", "Ward", "Peterson", "Gray",
    "James", "Watson", "Brooks", "Kelly", "Sanders", "Price", "Bennett", "Wood",
    "Barnes", "Ross", "Henderson", "Coleman", "Jenkins", "Perry", "Powell", "Long",
    "Patterson", "Hughes", "Washington", "Butler", "Simmons", "Foster", "Bryant",
    "Nguyen", "Tran", "Pham", "Okafor", "Mensah", "Patel", "Shah", "Kim", "Park",
)  # fmt: skip
STREETS = (
    "Oak", "Pecan", "Mesquite", "Live Oak", "Bluebonnet", "Cedar", "Magnolia",
    "Willow", "Elm", "Post Oak", "Lamar", "Guadalupe", "Congress", "Main", "Church",
    "Mockingbird", "Sunset", "Ranch Road", "Cypress Creek", "Riverside", "Hillcrest",
    "Meadowlark", "Prairie", "Canyon", "Lone Star", "San Jacinto", "Travis", "Austin",
    "Houston", "Crockett", "Bowie", "Fannin", "Rusk", "Lavaca", "Brazos", "Red River",
    "Sabine", "Trinity", "Colorado", "Nueces", "Pedernales", "Llano",
)  # fmt: skip
STREET_KINDS = ("St", "Ave", "Dr", "Ln", "Blvd", "Rd", "Ct", "Trl", "Way", "Pkwy")
UNITS = ("Apt 1A", "Apt 204", "Apt 3C", "Unit 12", "Unit 7", "Apt 110", "# 5")


@dataclass(frozen=True, slots=True)
class County:
    """A county with a child-support office, and where its people live."""

    name: str
    code: str
    seat: str
    cities: tuple[str, ...]
    zip_prefix: int
    area_code: str
    weight: int


COUNTIES: tuple[County, ...] = (
    County("Travis", "TRAVIS", "Austin", ("Austin", "Pflugerville", "Manor"),
           787, "512", 14),
    County("Bexar", "BEXAR", "San Antonio", ("San Antonio", "Converse", "Helotes"),
           782, "210", 18),
    County("Harris", "HARRIS", "Houston", ("Houston", "Pasadena", "Baytown"),
           770, "713", 26),
    County("Dallas", "DALLAS", "Dallas", ("Dallas", "Garland", "Mesquite"),
           752, "214", 20),
    County("Tarrant", "TARRANT", "Fort Worth", ("Fort Worth", "Arlington",
           "Haltom City"), 761, "817", 12),
    County("El Paso", "ELPASO", "El Paso", ("El Paso", "Socorro", "Horizon City"),
           799, "915", 6),
    County("Hidalgo", "HIDALGO", "Edinburg", ("McAllen", "Edinburg", "Pharr"),
           785, "956", 6),
    County("Lubbock", "LUBBOCK", "Lubbock", ("Lubbock", "Wolfforth", "Slaton"),
           794, "806", 4),
)  # fmt: skip

OUT_OF_STATE_CITIES = (
    ("Oklahoma City", "OK", 731, "405"),
    ("Tulsa", "OK", 741, "918"),
    ("Norman", "OK", 730, "405"),
    ("Lawton", "OK", 735, "580"),
)

EMPLOYER_FIRST = (
    "Lone Star", "Bluebonnet", "Gulf Coast", "Hill Country", "Brazos Valley",
    "Panhandle", "Red River", "Alamo", "Pecos", "Big Bend", "Trinity", "Coastal Bend",
    "Capital City", "Frontier", "Prairie", "Southwest", "Longhorn", "Mesa",
    "Cross Timbers", "Piney Woods", "Rio Grande", "Sunbelt", "Five Star", "Landmark",
)  # fmt: skip
EMPLOYER_TRADE = (
    "Logistics", "Freight", "Home Health", "Construction", "Roofing", "Plumbing",
    "Electric", "Auto Parts", "Foods", "Distribution", "Staffing", "Manufacturing",
    "Concrete", "Landscaping", "Warehousing", "Energy Services", "Dental Group",
    "Medical Center", "Grocers", "Hospitality", "Security Services", "Cabinets",
    "Trucking", "Feed & Supply", "Cleaning Services", "Call Center", "Tire & Lube",
)  # fmt: skip
EMPLOYER_SUFFIX = ("LLC", "Inc.", "Co.", "Group", "LP", "Corp.")

CARRIERS = (
    "Bluebonnet Health Plan", "Lone Star Mutual Health", "Gulf Coast Benefit Co.",
    "Prairie Life & Health", "Southwest Family Health", "Hill Country Care Plan",
    "State Children's Health Plan", "Frontier Dental Alliance",
    "ClearView Vision Plan",
)  # fmt: skip
