// The seed's word lists: names, places, offences and the notes officers write. Small, built in
// and plainly synthetic, so no seeded record can be mistaken for a real person's.
#pragma once

#include <string_view>

namespace vigil::backoffice::seed_detail {

inline constexpr std::string_view kSurnames[] = {
    "Ahmed",   "Baker",   "Clarke",  "Davies",    "Evans",    "Fletcher", "Green",   "Hughes",
    "Iqbal",   "Jones",   "Khan",    "Lewis",     "Morgan",   "Nowak",    "Owen",    "Patel",
    "Quinn",   "Roberts", "Smith",   "Taylor",    "Usman",    "Walker",   "Wilson",  "Wright",
    "Young",   "Allen",   "Bennett", "Campbell",  "Doyle",    "Ellis",    "Foster",  "Griffiths",
    "Harris",  "Jackson", "Kelly",   "Lloyd",     "Mason",    "Murphy",   "Nelson",  "O'Brien",
    "Parker",  "Rahman",  "Reid",    "Shaw",      "Thomas",   "Turner",   "Vaughan", "Ward",
    "Webb",    "White",   "Begum",   "Chowdhury", "Kowalski", "Mensah",   "Okafor",  "Singh",
    "Hussain", "Ali",     "Cooper",  "Edwards",   "Hall",     "Kaur",     "Martin",  "Price"};

inline constexpr std::string_view kForenames[] = {
    "Aisha",  "Adam",   "Amelia",  "Ben",     "Chloe", "Daniel",  "Dylan",    "Emily",  "Fatima",
    "George", "Grace",  "Hannah",  "Harry",   "Imran", "Isla",    "Jack",     "James",  "Jessica",
    "Kieran", "Laura",  "Liam",    "Lucy",    "Mark",  "Megan",   "Mohammed", "Nathan", "Olivia",
    "Omar",   "Paul",   "Priya",   "Rhys",    "Ryan",  "Sarah",   "Sean",     "Sophie", "Stephen",
    "Tariq",  "Thomas", "Tom",     "Wayne",   "Yusuf", "Zara",    "Craig",    "Darren", "Gareth",
    "Karen",  "Lee",    "Michael", "Natalie", "Peter", "Rebecca", "Scott",    "Shaun",  "Stacey"};

// Areas name teams ("North 1") and give no-fixed-abode nominals somewhere to be found.
inline constexpr std::string_view kAreas[] = {"North",   "South",  "East",   "West",  "Central",
                                              "City",    "Coast",  "Valley", "Moor",  "Riverside",
                                              "Harbour", "Forest", "Vale",   "Downs", "Fen",
                                              "Dales",   "Weald",  "Heath",  "Marsh", "Hills"};

inline constexpr std::string_view kTowns[] = {
    "Ashford",       "Barnford",  "Carlton",   "Dunmore",   "Elmbridge", "Fairley",      "Glenham",
    "Hartwell",      "Ivybridge", "Kingsmere", "Longford",  "Millbrook", "Newbury Vale", "Oakham",
    "Penrith Cross", "Redfield",  "Stanmore",  "Thornbury", "Upton",     "Westwood"};

inline constexpr std::string_view kStreets[] = {
    "High Street", "Church Road",  "Station Road", "Victoria Street", "Mill Lane",
    "Park Avenue", "Queen Street", "London Road",  "Green Lane",      "Manor Way",
    "Elm Grove",   "Canal Side",   "Market Place", "Albert Terrace",  "School Lane"};

inline constexpr std::string_view kRoughSleepingSpots[] = {
    "town centre", "railway station", "riverside", "bus station", "retail park"};

inline constexpr std::string_view kRiskFactors[] = {
    "access to children",  "substance misuse", "relationship instability",
    "unstable housing",    "poor compliance",  "sexual preoccupation",
    "hostility to police", "isolation",        "history of domestic abuse",
    "use of weapons",      "online offending", "unemployment"};

inline constexpr std::string_view kProtectiveFactors[] = {
    "stable accommodation", "supportive family",   "in employment", "engages with treatment",
    "complies with order",  "positive peer group", "abstinent",     "good health"};

inline constexpr std::string_view kObservations[] = {
    "Home checked; nothing of concern.",
    "Spoke with the nominal at the door; home not entered at their request.",
    "Devices examined; no concerns.",
    "New partner present; details taken.",
    "Address well kept; nominal cooperative.",
    "Nominal appeared under the influence; advice given.",
    "Checked compliance with order conditions; compliant.",
    "Employment details confirmed.",
    "Nominal reports no changes since the last visit.",
    "Evidence of children's items at the address; enquiries to follow."};

inline constexpr std::string_view kRiskChanges[] = {
    "relationship breakdown", "job loss",    "new contact with children", "substance misuse",
    "loss of housing",        "bereavement", "new partner with children"};

inline constexpr std::string_view kActions[] = {"Check devices for prohibited material",
                                                "Confirm employment details",
                                                "Refer to housing for support",
                                                "Verify new partner's details",
                                                "Share risk information with children's services",
                                                "Arrange joint visit with probation",
                                                "Check compliance with curfew",
                                                "Update vehicle details on the register",
                                                "Complete disclosure consideration",
                                                "Obtain photographs for the register",
                                                "Review foreign travel plans",
                                                "Confirm attendance at treatment programme"};

inline constexpr std::string_view kAgencies[] = {
    "Children's services", "Adult social care",  "Housing",
    "Probation service",   "Education (school)", "Health visiting team"};

// Where young people at risk of exploitation are met, and what officers note of it.
inline constexpr std::string_view kEncounterPlaces[] = {
    "Railway station",      "Bus station", "Town centre",        "Retail park",
    "Fast food restaurant", "Park",        "Address of concern", "Hotel"};
inline constexpr std::string_view kExploitationMarkers[] = {
    "Found with a large amount of cash",
    "Travelling out of area alone",
    "With older associates",
    "Carrying more than one phone",
    "Reported missing from home",
    "New clothes and gifts of unknown origin"};

inline constexpr std::string_view kConcerns[] = {
    "Nominal living with a partner who has children", "Nominal seen near a primary school",
    "Vulnerable adult at the nominal's address", "Nominal at risk of homelessness",
    "Contact with a child reported by a neighbour"};

inline constexpr std::string_view kBreachActions[] = {
    "Arrested and charged with breach", "Formal warning given", "Reported to the court",
    "Recall to prison requested", "Referred to MAPPA meeting"};

inline constexpr std::string_view kFollowUpActions[] = {
    "Interviewed under caution", "Case file sent to the CPS", "Warning letter served",
    "Discussed at the MAPPA meeting", "Court date set for the breach"};

inline constexpr std::string_view kTraceNotes[] = {"Home address visited; not present",
                                                   "PNC and local systems checked",
                                                   "Enquiries with known associates",
                                                   "Social media checks completed",
                                                   "Checked with housing provider",
                                                   "Hospital and custody checks",
                                                   "ANPR alert reviewed",
                                                   "Enquiry with employer",
                                                   "Family address visited; not present"};

inline constexpr std::string_view kReviewNotes[] = {
    "Awaiting forensic results", "Awaiting digital download", "File with CPS for advice",
    "Further witness statements needed", "Awaiting third-party material"};

inline constexpr std::string_view kFailureReasons[] = {"No answer at the door", "Refused entry",
                                                       "Not at the address"};

struct Offence {
  std::string_view name;
  int harm;  // 1 is the most harmful
};
inline constexpr Offence kOffences[] = {
    {"Rape", 1},
    {"Attempted murder", 1},
    {"Sexual assault of a child", 1},
    {"Grievous bodily harm with intent", 1},
    {"Kidnapping", 1},
    {"Sexual assault", 2},
    {"Domestic abuse: assault occasioning actual bodily harm", 2},
    {"Stalking", 2},
    {"Robbery", 2},
    {"Controlling or coercive behaviour", 2},
    {"Burglary (dwelling)", 3},
    {"Assault occasioning actual bodily harm", 3},
    {"Possession of a bladed article", 3},
    {"Supplying a controlled drug", 3},
    {"Arson", 3},
    {"Theft from a vehicle", 4},
    {"Criminal damage", 4},
    {"Fraud by false representation", 4},
    {"Vehicle theft", 4},
    {"Handling stolen goods", 4},
    {"Shoplifting", 5},
    {"Common assault", 5},
    {"Public order offence", 5},
    {"Possession of cannabis", 5},
    {"Failing to appear", 5}};

inline constexpr std::string_view kSeriousFraud[] = {"Conspiracy to defraud", "Money laundering",
                                                     "Fraud by abuse of position",
                                                     "Cheating the public revenue"};

inline constexpr std::string_view kVictimViews[] = {
    "Victim wants no contact of any kind", "Victim fears the suspect will return to the area",
    "Victim content with the conditions", "Victim could not be contacted",
    "Victim asked for an exclusion zone around their workplace"};

}  // namespace vigil::backoffice::seed_detail
