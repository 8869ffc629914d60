"""What the offline model says about the waitlist, merged into `catalogue` (English, German,
Spanish, Portuguese, French)."""

# ruff: noqa: E501 (translations read best one per line)
from __future__ import annotations

WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "h.waitlist": {
        "en": ("Entry", "Vehicle", "Test", "Days", "From", "Until", "Status", "Offer (hold until)"),
        "de": (
            "Eintrag",
            "Fahrzeug",
            "Test",
            "Tage",
            "Ab",
            "Bis",
            "Status",
            "Angebot (reserviert bis)",
        ),
        "es": (
            "Entrada",
            "Vehículo",
            "Prueba",
            "Días",
            "Desde",
            "Hasta",
            "Estado",
            "Oferta (reservada hasta)",
        ),
        "pt": (
            "Entrada",
            "Veículo",
            "Teste",
            "Dias",
            "De",
            "Até",
            "Status",
            "Oferta (reservada até)",
        ),
        "fr": (
            "Entrée",
            "Véhicule",
            "Essai",
            "Jours",
            "Du",
            "Au",
            "Statut",
            "Offre (réservée jusqu'à)",
        ),
    },
}

MESSAGES: dict[str, dict[str, str]] = {
    "waitlist.none": {
        "en": "You are not on the waitlist and have no offers.",
        "de": "Sie stehen auf keiner Warteliste und haben keine Angebote.",
        "es": "No estás en la lista de espera y no tienes ofertas.",
        "pt": "Você não está na lista de espera e não tem ofertas.",
        "fr": "Vous n'êtes pas sur la liste d'attente et n'avez aucune offre.",
    },
    "waitlist.lead": {
        "en": "Your waitlist: {count} entry(ies), {offers} with an offer.",
        "de": "Ihre Warteliste: {count} Eintrag/Einträge, {offers} mit Angebot.",
        "es": "Tu lista de espera: {count} entrada(s), {offers} con oferta.",
        "pt": "Sua lista de espera: {count} entrada(s), {offers} com oferta.",
        "fr": "Votre liste d'attente : {count} entrée(s), {offers} avec une offre.",
    },
    "waitlist.offer": {
        "en": 'A slot is held for waitlist entry #{id}: {dyno}, {start} to {end}, until {until}. Say "accept offer {id}" to book it or "decline offer {id}" to pass it on.',
        "de": 'Für Wartelisten-Eintrag #{id} ist ein Termin reserviert: {dyno}, {start} bis {end}, bis {until}. Sagen Sie "Angebot {id} annehmen" zum Buchen oder "Angebot {id} ablehnen" zum Weitergeben.',
        "es": 'Hay un hueco reservado para la entrada #{id}: {dyno}, del {start} al {end}, hasta {until}. Di "accept offer {id}" para reservarlo o "decline offer {id}" para cederlo.',
        "pt": 'Há um horário reservado para a entrada #{id}: {dyno}, de {start} a {end}, até {until}. Diga "accept offer {id}" para reservar ou "decline offer {id}" para passar adiante.',
        "fr": 'Un créneau est réservé pour l\'entrée #{id} : {dyno}, du {start} au {end}, jusqu\'à {until}. Dites "accept offer {id}" pour le réserver ou "decline offer {id}" pour le céder.',
    },
    "waitlist.joined": {
        "en": "You are on the waitlist (entry #{id}) for {test}, {days} day(s) between {start} and {end}. When a fitting slot frees up it is held for you to accept.",
        "de": "Sie stehen auf der Warteliste (Eintrag #{id}) für {test}, {days} Tag(e) zwischen {start} und {end}. Sobald ein passender Termin frei wird, wird er für Sie reserviert.",
        "es": "Estás en la lista de espera (entrada #{id}) para {test}, {days} día(s) entre {start} y {end}. Cuando se libere un hueco adecuado, se te reservará.",
        "pt": "Você está na lista de espera (entrada #{id}) para {test}, {days} dia(s) entre {start} e {end}. Quando um horário adequado vagar, ele será reservado para você.",
        "fr": "Vous êtes sur la liste d'attente (entrée #{id}) pour {test}, {days} jour(s) entre le {start} et le {end}. Dès qu'un créneau adapté se libère, il vous est réservé.",
    },
    "waitlist.booked": {
        "en": "Booked: waitlist entry #{id} is now booking #{allocation} on {dyno} from {slot_start}.",
        "de": "Gebucht: Wartelisten-Eintrag #{id} ist jetzt Buchung #{allocation} auf {dyno} ab {slot_start}.",
        "es": "Reservado: la entrada #{id} es ahora la reserva #{allocation} en {dyno} desde el {slot_start}.",
        "pt": "Reservado: a entrada #{id} agora é a reserva #{allocation} em {dyno} a partir de {slot_start}.",
        "fr": "Réservé : l'entrée #{id} est maintenant la réservation #{allocation} sur {dyno} à partir du {slot_start}.",
    },
    "waitlist.withdrawn": {
        "en": "Waitlist entry #{id} is withdrawn; any slot it held goes to the next in line.",
        "de": "Wartelisten-Eintrag #{id} ist zurückgezogen; ein reservierter Termin geht an den Nächsten.",
        "es": "La entrada #{id} se ha retirado; el hueco reservado pasa al siguiente.",
        "pt": "A entrada #{id} foi retirada; o horário reservado passa para o próximo.",
        "fr": "L'entrée #{id} est retirée ; le créneau réservé passe au suivant.",
    },
    "waitlist.status": {
        "en": "Waitlist entry #{id} is {status}.",
        "de": "Wartelisten-Eintrag #{id} ist {status}.",
        "es": "La entrada #{id} está {status}.",
        "pt": "A entrada #{id} está {status}.",
        "fr": "L'entrée #{id} est {status}.",
    },
    "waitlist.hint": {
        "en": 'Say "put me on the waitlist" and I will hold the first fitting slot that frees up for you.',
        "de": 'Sagen Sie "auf die Warteliste", dann reserviere ich Ihnen den ersten passenden Termin, der frei wird.',
        "es": 'Di "put me on the waitlist" y te reservaré el primer hueco adecuado que se libere.',
        "pt": 'Diga "put me on the waitlist" e eu reservo para você o primeiro horário adequado que vagar.',
        "fr": 'Dites "put me on the waitlist" et je vous réserverai le premier créneau adapté qui se libère.',
    },
}
