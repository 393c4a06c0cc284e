"""Demo data tables: the innovation fund's projects, budgets, reasons, comments and letter
templates, and the meetings' themes, apologies and actions."""

from __future__ import annotations

from ...domain.reviews import Recommendation

# -- the innovation fund ---------------------------------------------------------------------------
_PROJECTS = (
    (
        "Safe routes to school in {place}",
        "Walking-bus volunteers, school safety marshals and quick-build crossings on the routes "
        "learners walk to three primary schools in {place}, without CCTV.",
        "Learners walk up to four kilometres past open veld, unlit underpasses and taverns; "
        "parents "
        "report robberies and harassment, of girls especially.",
        "Map the routes with learners, train parent marshals, paint crossings and light the "
        "hotspots, and agree a response protocol with SAPS and the school governing bodies.",
    ),
    (
        "Gender-based violence safe spaces at the {place} transport interchange",
        "Two staffed safe spaces at the {place} interchange where women and girls can report, "
        "wait and be referred, open from 05:00 to 21:00.",
        "Women commuters report harassment and assault at the interchange, mostly early morning "
        "and "
        "after dark, and do not know where to go.",
        "Convert two municipal kiosks into staffed safe spaces, train marshals and taxi rank "
        "managers, and link them to the Thuthuzela care centre and local NGOs.",
    ),
    (
        "Youth sport night league in {place}",
        "A Friday and Saturday night football and netball league for young people aged 14 to 24 in "
        "{place}, with mentoring between games.",
        "Weekend nights see most of the violent incidents involving young men in {place}; there is "
        "little to do and the sport fields are dark.",
        "Light two fields, run a 20-week league with trained coaches as mentors, and link players "
        "to "
        "skills and job programmes.",
    ),
    (
        "Street lighting co-design with informal traders in {place}",
        "Traders, residents and the electricity department choose and maintain the lighting of "
        "{place}'s main trading streets together.",
        "Traders close early because the streets are unsafe after dark, and lights installed "
        "before "
        "were vandalised or left broken.",
        "Run night safety walks with traders, co-design a lighting plan, install solar lights and "
        "set up a trader-led fault-reporting line.",
    ),
    (
        "Community safety forum data dashboard for {city}",
        "A simple dashboard that community safety forums in {city} use to log incidents, "
        "patrols and referrals and to see the trends.",
        "Forums meet monthly without data; what they know stays on paper and never reaches the "
        "city's safety planning.",
        "Build a mobile-friendly logging form and dashboard with three pilot forums, train "
        "volunteers and report quarterly to the city safety committee.",
    ),
    (
        "Violence interrupters in {place}",
        "Trained violence interrupters from {place} mediate disputes before they turn violent and "
        "refer young people at risk.",
        "Retaliatory violence between groups of young men drives the murder rate in {place}.",
        "Recruit and train eight interrupters, set up a referral network with clinics and social "
        "workers, and track incidents with the local police station.",
    ),
    (
        "Safer taxi rank design pilot at {place}",
        "A redesign of the {place} taxi rank with commuters and the taxi association: lighting, "
        "sight lines, toilets and a marshal post.",
        "Robberies and harassment at the rank peak at dawn and dusk; the layout hides people.",
        "Hold design workshops, make quick-build changes, and measure perceived safety before and "
        "after with commuter surveys.",
    ),
    (
        "Activating {place} park as a safe public space",
        "Weekly programmes, a park steward and small works turn a neglected park in {place} into "
        "a busy and safe place.",
        "The park is used for drug dealing and is avoided by families, especially women and "
        "children.",
        "Appoint a park steward, run weekend markets and children's activities, fix lighting and "
        "paths, and set up a park friends group.",
    ),
    (
        "Safety audits of early childhood development centres in {place}",
        "Safety audits and small improvements at 20 early childhood development centres in "
        "{place}.",
        "Centres are often in unsafe buildings on unsafe routes, and practitioners have no support "
        "to improve them.",
        "Audit the centres with practitioners and parents, fund fencing, lighting and safe "
        "drop-off "
        "points, and train practitioners in child protection.",
    ),
    (
        "After-school arts for substance-abuse prevention in {place}",
        "After-school music, drama and visual arts for learners in {place}, run by local artists.",
        "Learners are idle after school in areas with many drug outlets, and first use starts "
        "young.",
        "Run three afternoon programmes a week at two schools, train artists as mentors and refer "
        "learners who need help to the DSD programme.",
    ),
    (
        "Women's safety audits with ward committees in {place}",
        "Women walk their neighbourhood with ward committees and officials to find and fix the "
        "places where they feel unsafe.",
        "Women's safety concerns rarely reach the city's capital budget.",
        "Run ten safety audit walks, compile the findings into a ward safety plan and track the "
        "city's response.",
    ),
    (
        "Neighbourhood mediation centre in {place}",
        "A community mediation centre that resolves neighbour, family and tenant disputes in "
        "{place}.",
        "Small disputes escalate into violence because there is nowhere else to take them.",
        "Train 15 community mediators, open a centre three days a week and refer cases to and from "
        "the police, courts and social workers.",
    ),
    (
        "Youth employment through public space maintenance in {place}",
        "Young people from {place} are employed to maintain and look after parks, walkways and "
        "taxi ranks.",
        "Unemployed young people and neglected public spaces feed each other's problems.",
        "Employ 30 young people for a year, with training and mentoring, to maintain public "
        "spaces and report safety faults.",
    ),
    (
        "Alcohol outlet mapping and by-law review in {city}",
        "Mapping liquor outlets against violence data to support a review of {city}'s trading "
        "hours by-law.",
        "Alcohol-related violence peaks around clusters of outlets, but the city has no evidence "
        "base for its by-law.",
        "Map outlets and incidents, consult communities and traders, and draft amendments to the "
        "trading hours by-law.",
    ),
    (
        "Trauma-informed practice for {city} law enforcement officers",
        "Training in trauma-informed practice for metro police and law enforcement officers in "
        "{city}.",
        "Officers often meet victims of violence first, and the way they respond affects whether "
        "people report and recover.",
        "Train 120 officers with a victim-support NGO, set up peer support and measure the change "
        "in victims' experience.",
    ),
)
_BODY_PROJECTS = (
    (
        "Peer learning on municipal safety plans for intermediate cities",
        "A peer-learning programme in which intermediate cities draft community safety plans with "
        "the support of metro practitioners.",
        "Intermediate cities have few staff for safety planning and little access to the metros' "
        "experience.",
        "Run three regional workshops and a mentoring programme, and publish a toolkit.",
    ),
    (
        "Strengthening community safety forums with the metros",
        "Training and a common reporting template for community safety forums in the member "
        "cities.",
        "Forums vary widely in how they work and rarely link with municipal safety planning.",
        "Develop a training course and reporting template with five metros and pilot them.",
    ),
)
_BUDGET_ITEMS = (
    "Project coordination (12 months)",
    "Community facilitators' stipends",
    "Training workshops, venue and catering",
    "Materials and printing",
    "Monitoring, evaluation and learning",
    "Solar street lights: supply and installation",
    "Sport equipment and kit",
    "Data platform hosting and licences",
    "Minor works: crossings, paths and signage",
    "Psychosocial support services",
    "Transport for participants",
    "Community dialogues and launch event",
    "Baseline and end-line safety surveys",
    "Small grants to community organisations",
)
_SCREENING_CHECKS = (
    "Applicant is an active SACN member city or a body the round admits",
    "Application form complete and signed by the accounting officer or a delegate",
    "Amount requested within the per-grant cap, with budget lines that add up",
    "Project can be completed within 12 months of signature",
    "Letter of support from the responsible head of department attached",
)
# Screening checks an ineligible application fails (index into _SCREENING_CHECKS), with the note.
_INELIGIBLE = (
    (1, "The form is signed by the project manager, not the accounting officer or a delegate."),
    (3, "The work plan runs for 18 months; the fund supports projects of at most 12 months."),
    (4, "No letter of support from the head of department; a draft was attached instead."),
)
_WITHDRAWN_REASONS = (
    "The city reprioritised the project in its adjustment budget and will fund it itself.",
    "The project lead left the municipality and no replacement could be found in time.",
    "The applicant asked to withdraw: a national programme now funds the same work.",
)
_CONDITIONS = (
    "Ward councillor sign-off on the sites before the first tranche is paid.",
    "A monitoring plan with baseline data is to be submitted within six weeks of signature.",
    "The city confirms in writing that it will maintain the assets after the grant ends.",
)
_APPROVE_REASONS = (
    "Ranked above the funding line; strong on relevance and feasibility.",
    "Ranked above the funding line; a practice other cities can learn from.",
    "Ranked above the funding line after moderation; sound value for money.",
)
_DECLINE_REASONS = (
    "Ranked below the funding line after moderation.",
    "The panel was not convinced the project can be delivered in 12 months.",
    "The link between the activities and safety outcomes is not clear enough.",
)
_FEEDBACK = (
    "The panel liked the community involvement but found the budget thin on monitoring; a "
    "stronger results framework would help a future application.",
    "The proposal repeats existing practice in the city; the panel encourages you to say what "
    "is new and what other cities could learn.",
    "The work plan depends on partners who have not yet committed; letters of commitment "
    "would strengthen a resubmission.",
    "Costs for equipment are high compared to the outcomes; consider co-funding from the "
    "city's own capital budget.",
)
_REVIEW_COMMENTS = {
    Recommendation.FUND.value: (
        "A strong, well-argued proposal with a clear path to safer streets.",
        "Clear problem analysis and a credible plan; worth funding as it stands.",
    ),
    Recommendation.FUND_WITH_CONDITIONS.value: (
        "Promising, but the monitoring plan needs a baseline before work starts.",
        "Good idea; the budget needs clearer justification of the larger lines.",
    ),
    Recommendation.DO_NOT_FUND.value: (
        "The link to safety outcomes is weak and the plan is not yet realistic.",
        "Mostly existing practice; little that other cities would learn from.",
    ),
}
_SCORE_COMMENTS = {
    1: "Not convincing on this criterion.",
    2: "Weak; needs substantial work.",
    3: "Adequate.",
    4: "Good, with minor gaps.",
    5: "Excellent.",
}
_LETTER_TEMPLATES = (
    (
        "acknowledgement",
        "Acknowledgement of receipt: {reference}",
        "Dear {contact_name}\n\n"
        'The USRG secretariat has received the application "{title}" from {applicant_name} to '
        "the {round_name}. Its reference is {reference}; please quote it in all correspondence.\n\n"
        "{next_step}\n\n"
        "Yours sincerely\nUSRG Secretariat\nSouth African Cities Network",
    ),
    (
        "ineligible",
        "Application {reference}: not eligible",
        "Dear {contact_name}\n\n"
        'Thank you for the application "{title}" ({reference}) from {applicant_name} to the '
        "{round_name}.\n\n"
        "We regret that it did not pass screening, for this reason:\n{reasons}\n\n"
        "It will therefore not go to review. You are welcome to apply to a later round.\n\n"
        "Yours sincerely\nUSRG Secretariat\nSouth African Cities Network",
    ),
    (
        "award",
        "Grant award: {reference} – {title}",
        "Dear {contact_name}\n\n"
        "We are pleased to inform you that the USRG innovation fund panel approved a grant of "
        '{amount} to {applicant_name} for "{title}" ({reference}) in the {round_name}.\n\n'
        "Conditions of the grant:\n{conditions}\n\n"
        "Payments:\n{tranche_schedule}\n\n"
        "Reporting:\n{reporting_duties}\n\n"
        "Please sign the acceptance slip below and return it to the secretariat within 30 days.\n\n"
        "Yours sincerely\nUSRG Secretariat\nSouth African Cities Network",
    ),
    (
        "decline",
        "Application {reference}: outcome",
        "Dear {contact_name}\n\n"
        'Thank you for the application "{title}" ({reference}) from {applicant_name} to the '
        "{round_name}. After review, the panel was not able to fund it in this round.\n\n"
        "The panel's feedback:\n{feedback}\n\n"
        "We hope this helps, and we encourage you to apply again.\n\n"
        "Yours sincerely\nUSRG Secretariat\nSouth African Cities Network",
    ),
)

# -- the meetings ----------------------------------------------------------------------------------
_THEMES = (
    "Gender-based violence and femicide in public spaces",
    "Youth violence and gangs",
    "Safety in public transport",
    "Informal settlements and safety",
    "Alcohol harms and the night-time economy",
    "Data for safety: crime and violence observatories",
    "Safer schools and school routes",
    "Integrated safety planning under the 2016 White Paper",
    "Community safety forums and civilian oversight",
    "Trauma-informed practice in city services",
)
_APOLOGY_NOTES = (
    "Council meeting on the same day.",
    "On leave.",
    "Attending the budget hearings in Parliament.",
    "Ill.",
    "Clash with the provincial safety summit.",
)
_ACTION_TEMPLATES = (  # description, owner: host / city / secretariat / body:<short> / all
    ("Circulate a learning note on the exposure visit in {host}.", "host"),
    ("Share the draft {city} community safety plan with the USRG for peer comment.", "city"),
    ("Compile the city updates on {theme_lower} into a learning brief.", "secretariat"),
    ("Confirm the venue and exposure visit of the next meeting.", "secretariat"),
    ("Circulate the guidelines on community safety forums.", "body:CSPS"),
    ("Report back on the municipal safety planning toolkit.", "body:SALGA"),
    ("Send names for the working group on safe spaces for women.", "all"),
    ("Present the innovation fund's interim results at the next meeting.", "secretariat"),
)


# The demo rounds' themes, and the theme of each project idea above (by position), so every
# demo application names one without a draw from the random generator (the demo stays the
# same row for row otherwise).
_ROUND_THEMES = (
    "Children and youth",
    "Gender-based violence",
    "Safer public spaces and transport",
    "Violence prevention and mediation",
    "Data, evidence and governance",
)
_PROJECT_THEMES = (0, 1, 0, 2, 4, 3, 2, 2, 0, 0, 1, 3, 0, 4, 3)
_BODY_PROJECT_THEMES = (4, 4)
