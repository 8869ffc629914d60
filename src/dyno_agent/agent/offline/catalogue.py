"""Everything the offline model says, keyed, in English, German, Spanish, Portuguese and French.

`messages.say(key, **fields)` picks the text in the language of the request (`str.format`
fields). Tool names, ids, VINs, dyno names, test types, statuses and ISO dates are fields and stay
as they are. A key missing in a language falls back to English; English is the reference text.
"""

# ruff: noqa: E501 (translations read best one per line)
from __future__ import annotations

Entry = dict[str, str]

# Words and short phrases -------------------------------------------------------------------------
WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    # singular, plural
    "day": {"en": ("day", "days"), "de": ("Tag", "Tage"), "es": ("día", "días"),
            "pt": ("dia", "dias"), "fr": ("jour", "jours")},
    "booking": {"en": ("booking", "bookings"), "de": ("Buchung", "Buchungen"),
                "es": ("reserva", "reservas"), "pt": ("reserva", "reservas"),
                "fr": ("réservation", "réservations")},
    "dyno": {"en": ("dyno", "dynos"), "de": ("Prüfstand", "Prüfstände"),
             "es": ("dinamómetro", "dinamómetros"), "pt": ("dinamômetro", "dinamômetros"),
             "fr": ("banc", "bancs")},
    "conflict": {"en": ("conflict", "conflicts"), "de": ("Konflikt", "Konflikte"),
                 "es": ("conflicto", "conflictos"), "pt": ("conflito", "conflitos"),
                 "fr": ("conflit", "conflits")},
    "row": {"en": ("row", "rows"), "de": ("Zeile", "Zeilen"), "es": ("fila", "filas"),
            "pt": ("linha", "linhas"), "fr": ("ligne", "lignes")},
    "test": {"en": ("test", "tests"), "de": ("Test", "Tests"), "es": ("prueba", "pruebas"),
             "pt": ("teste", "testes"), "fr": ("essai", "essais")},
    "open_request": {"en": ("open request", "open requests"),
                     "de": ("offenen Anfrage", "offenen Anfragen"),
                     "es": ("solicitud abierta", "solicitudes abiertas"),
                     "pt": ("solicitação em aberto", "solicitações em aberto"),
                     "fr": ("demande ouverte", "demandes ouvertes")},
    "assignment": {"en": ("assignment", "assignments"), "de": ("Zuordnung", "Zuordnungen"),
                   "es": ("asignación", "asignaciones"), "pt": ("alocação", "alocações"),
                   "fr": ("affectation", "affectations")},
    "weekdays": {
        "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
        "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
        "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
               "sábado", "domingo"),
        "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    },
    "h.allocations": {
        "en": ("Booking", "Vehicle", "Test", "Dyno", "Start", "End", "Days", "Status"),
        "de": ("Buchung", "Fahrzeug", "Test", "Prüfstand", "Beginn", "Ende", "Tage", "Status"),
        "es": ("Reserva", "Vehículo", "Prueba", "Dinamómetro", "Inicio", "Fin", "Días", "Estado"),
        "pt": ("Reserva", "Veículo", "Teste", "Dinamômetro", "Início", "Fim", "Dias", "Status"),
        "fr": ("Réservation", "Véhicule", "Essai", "Banc", "Début", "Fin", "Jours", "Statut"),
    },
    "h.dyno_facility": {"en": ("Dyno", "Facility"), "de": ("Prüfstand", "Standort"),
                        "es": ("Dinamómetro", "Instalación"), "pt": ("Dinamômetro", "Instalação"),
                        "fr": ("Banc", "Site")},
    "h.conflicts": {
        "en": ("Kind", "Bookings", "Dyno", "VIN", "Start", "End", "Detail"),
        "de": ("Art", "Buchungen", "Prüfstand", "VIN", "Beginn", "Ende", "Details"),
        "es": ("Tipo", "Reservas", "Dinamómetro", "VIN", "Inicio", "Fin", "Detalle"),
        "pt": ("Tipo", "Reservas", "Dinamômetro", "VIN", "Início", "Fim", "Detalhe"),
        "fr": ("Type", "Réservations", "Banc", "VIN", "Début", "Fin", "Détail"),
    },
    "h.maintenance": {"en": ("Dyno", "Status", "Reason"), "de": ("Prüfstand", "Status", "Grund"),
                      "es": ("Dinamómetro", "Estado", "Motivo"),
                      "pt": ("Dinamômetro", "Status", "Motivo"),
                      "fr": ("Banc", "Statut", "Raison")},
    "h.maintenance_windows": {"en": ("Start", "End", "Reason"), "de": ("Beginn", "Ende", "Grund"),
                              "es": ("Inicio", "Fin", "Motivo"), "pt": ("Início", "Fim", "Motivo"),
                              "fr": ("Début", "Fin", "Raison")},
    "h.utilization": {
        "en": ("Dyno", "Facility", "Available days", "Booked days", "Maintenance days",
               "Bookings", "Utilisation"),
        "de": ("Prüfstand", "Standort", "Verfügbare Tage", "Gebuchte Tage", "Wartungstage",
               "Buchungen", "Auslastung"),
        "es": ("Dinamómetro", "Instalación", "Días disponibles", "Días reservados",
               "Días de mantenimiento", "Reservas", "Utilización"),
        "pt": ("Dinamômetro", "Instalação", "Dias disponíveis", "Dias reservados",
               "Dias de manutenção", "Reservas", "Utilização"),
        "fr": ("Banc", "Site", "Jours disponibles", "Jours réservés", "Jours de maintenance",
               "Réservations", "Occupation"),
    },
    "h.dynos": {
        "en": ("Dyno", "Facility", "Enabled", "Test types", "Drives", "Weight classes",
               "Bookable"),
        "de": ("Prüfstand", "Standort", "Aktiv", "Testarten", "Antriebe", "Gewichtsklassen",
               "Buchbar"),
        "es": ("Dinamómetro", "Instalación", "Activo", "Tipos de prueba", "Tracciones",
               "Clases de peso", "Reservable"),
        "pt": ("Dinamômetro", "Instalação", "Ativo", "Tipos de teste", "Trações",
               "Classes de peso", "Reservável"),
        "fr": ("Banc", "Site", "Actif", "Types d'essai", "Transmissions", "Classes de poids",
               "Réservable"),
    },
    "h.rules": {"en": ("Test type", "Drive", "Weight class"),
                "de": ("Testart", "Antrieb", "Gewichtsklasse"),
                "es": ("Tipo de prueba", "Tracción", "Clase de peso"),
                "pt": ("Tipo de teste", "Tração", "Classe de peso"),
                "fr": ("Type d'essai", "Transmission", "Classe de poids")},
    "h.unplaced": {
        "en": ("Request", "Vehicle", "Test", "Step", "Reason", "Why"),
        "de": ("Anfrage", "Fahrzeug", "Test", "Schritt", "Grund", "Warum"),
        "es": ("Solicitud", "Vehículo", "Prueba", "Paso", "Motivo", "Por qué"),
        "pt": ("Solicitação", "Veículo", "Teste", "Etapa", "Motivo", "Por quê"),
        "fr": ("Demande", "Véhicule", "Essai", "Étape", "Raison", "Pourquoi"),
    },
    "h.placed": {
        "en": ("Request", "Vehicle", "Test", "Dyno", "Start", "End", "Days late"),
        "de": ("Anfrage", "Fahrzeug", "Test", "Prüfstand", "Beginn", "Ende", "Tage Verzug"),
        "es": ("Solicitud", "Vehículo", "Prueba", "Dinamómetro", "Inicio", "Fin",
               "Días de retraso"),
        "pt": ("Solicitação", "Veículo", "Teste", "Dinamômetro", "Início", "Fim",
               "Dias de atraso"),
        "fr": ("Demande", "Véhicule", "Essai", "Banc", "Début", "Fin", "Jours de retard"),
    },
    "h.blocked": {"en": ("Dyno", "Why not", "Detail"), "de": ("Prüfstand", "Warum nicht", "Details"),
                  "es": ("Dinamómetro", "Por qué no", "Detalle"),
                  "pt": ("Dinamômetro", "Por que não", "Detalhe"),
                  "fr": ("Banc", "Pourquoi pas", "Détail")},
    "h.plan_conflicts": {
        "en": ("Request", "Dyno", "Start", "End", "Why"),
        "de": ("Anfrage", "Prüfstand", "Beginn", "Ende", "Warum"),
        "es": ("Solicitud", "Dinamómetro", "Inicio", "Fin", "Por qué"),
        "pt": ("Solicitação", "Dinamômetro", "Início", "Fim", "Por quê"),
        "fr": ("Demande", "Banc", "Début", "Fin", "Pourquoi"),
    },
    "yes_no": {"en": ("yes", "no"), "de": ("ja", "nein"), "es": ("sí", "no"),
               "pt": ("sim", "não"), "fr": ("oui", "non")},
}  # fmt: skip

MESSAGES: dict[str, Entry] = {
    # Building blocks ---------------------------------------------------------------------------
    "and": {"en": "{first} and {last}", "de": "{first} und {last}", "es": "{first} y {last}",
            "pt": "{first} e {last}", "fr": "{first} et {last}"},
    "test": {"en": "{a_test}", "de": "{name}-Test", "es": "prueba de {name}",
             "pt": "teste de {name}", "fr": "essai {name}"},
    "day_date": {"en": "{weekday} {date}", "de": "{weekday}, {date}", "es": "{weekday} {date}",
                 "pt": "{weekday}, {date}", "fr": "{weekday} {date}"},
    "vehicle_n": {"en": "vehicle {id}", "de": "Fahrzeug {id}", "es": "vehículo {id}",
                  "pt": "veículo {id}", "fr": "véhicule {id}"},
    "vehicles_n": {"en": "vehicles {ids}", "de": "Fahrzeuge {ids}", "es": "vehículos {ids}",
                   "pt": "veículos {ids}", "fr": "véhicules {ids}"},
    "booking_n": {"en": "booking {id}", "de": "Buchung {id}", "es": "reserva {id}",
                  "pt": "reserva {id}", "fr": "réservation {id}"},
    "bookings_n": {"en": "bookings {ids}", "de": "Buchungen {ids}", "es": "reservas {ids}",
                   "pt": "reservas {ids}", "fr": "réservations {ids}"},
    "no_dyno": {"en": "no dyno", "de": "kein Prüfstand", "es": "ningún dinamómetro",
                "pt": "nenhum dinamômetro", "fr": "aucun banc"},
    # Help and capabilities ---------------------------------------------------------------------
    "capabilities": {"en": "Here is what I can do:", "de": "Das kann ich für Sie tun:",
                     "es": "Esto es lo que puedo hacer:", "pt": "Veja o que eu posso fazer:",
                     "fr": "Voici ce que je sais faire :"},
    "example.book": {
        "en": '**Book** a vehicle: "Book vehicle 5 for {test} next Monday for 2 days"',
        "de": '**Buchen**: "Buche Fahrzeug 5 für einen {test} nächsten Montag für 2 Tage"',
        "es": '**Reservar** un vehículo: "Reserva el vehículo 5 para una {test} el próximo '
              'lunes por 2 días"',
        "pt": '**Reservar** um veículo: "Reserve o veículo 5 para um {test} na próxima segunda '
              'por 2 dias"',
        "fr": '**Réserver** un véhicule : "Réserve le véhicule 5 pour un {test} lundi prochain '
              'pendant 2 jours"',
    },
    "example.find": {
        "en": '**Find free dynos**: "Which dynos can do {test} for a 4,800 lb AWD next week?"',
        "de": '**Freie Prüfstände finden**: "Welche Prüfstände sind nächste Woche für einen '
              '{test} frei, Allrad, 2200 kg?"',
        "es": '**Buscar dinamómetros libres**: "¿Qué dinamómetros están libres para una {test} '
              'la próxima semana? AWD, 2200 kg"',
        "pt": '**Encontrar dinamômetros livres**: "Quais dinamômetros estão livres para um '
              '{test} semana que vem? AWD, 2200 kg"',
        "fr": '**Trouver des bancs libres** : "Quels bancs sont libres pour un {test} la semaine '
              'prochaine ? AWD, 2200 kg"',
    },
    "example.check": {
        "en": '**Check a vehicle**: "Where is vehicle 42 booked?" or "check VIN 1FTFW1E50PFA12345"',
        "de": '**Ein Fahrzeug prüfen**: "Wo ist Fahrzeug 42 gebucht?" oder '
              '"prüfe VIN 1FTFW1E50PFA12345"',
        "es": '**Consultar un vehículo**: "¿Dónde está reservado el vehículo 42?" o '
              '"revisa el VIN 1FTFW1E50PFA12345"',
        "pt": '**Consultar um veículo**: "Onde o veículo 42 está reservado?" ou '
              '"verifique o VIN 1FTFW1E50PFA12345"',
        "fr": '**Consulter un véhicule** : "Où est réservé le véhicule 42 ?" ou '
              '"vérifie le VIN 1FTFW1E50PFA12345"',
    },
    "example.schedule": {
        "en": "**A dyno's schedule**: \"What's on {dyno} next week?\"",
        "de": '**Belegung eines Prüfstands**: "Was ist nächste Woche auf {dyno}?"',
        "es": '**La agenda de un dinamómetro**: "¿Qué hay en {dyno} la próxima semana?"',
        "pt": '**A agenda de um dinamômetro**: "O que tem no {dyno} semana que vem?"',
        "fr": '**Le planning d\'un banc** : "Qu\'est-ce qu\'il y a sur {dyno} la semaine '
              'prochaine ?"',
    },
    "example.change": {
        "en": '**Cancel or move** a booking: "cancel booking 17", "move booking 17 to Friday"',
        "de": '**Stornieren oder verschieben**: "storniere Buchung 17", '
              '"verschiebe Buchung 17 auf Freitag"',
        "es": '**Cancelar o mover** una reserva: "cancela la reserva 17", '
              '"mueve la reserva 17 al viernes"',
        "pt": '**Cancelar ou mudar** uma reserva: "cancele a reserva 17", '
              '"mude a reserva 17 para sexta"',
        "fr": '**Annuler ou déplacer** une réservation : "annule la réservation 17", '
              '"déplace la réservation 17 à vendredi"',
    },
    "example.reports": {
        "en": '**Reports**: "any conflicts next week?", "maintenance on the 20th", '
              '"utilization in May", "show delayed tests", "how many tests are completed?"',
        "de": '**Berichte**: "Konflikte nächste Woche?", "Wartung am 20.", "Auslastung im Mai", '
              '"zeig verspätete Tests", "wie viele Tests sind abgeschlossen?"',
        "es": '**Informes**: "¿hay conflictos la próxima semana?", "mantenimiento el día 20", '
              '"utilización en mayo", "muestra las pruebas retrasadas", '
              '"¿cuántas pruebas se completaron?"',
        "pt": '**Relatórios**: "tem conflitos semana que vem?", "manutenção no dia 20", '
              '"utilização em maio", "mostre os testes atrasados", '
              '"quantos testes foram concluídos?"',
        "fr": '**Rapports** : "des conflits la semaine prochaine ?", "maintenance le 20", '
              '"occupation en mai", "montre les essais en retard", '
              '"combien d\'essais sont terminés ?"',
    },
    "example.dynos": {
        "en": '**Dynos**: "list dynos", "tell me about {dyno}"',
        "de": '**Prüfstände**: "liste alle Prüfstände auf", "erzähl mir etwas über {dyno}"',
        "es": '**Dinamómetros**: "lista los dinamómetros", "háblame de {dyno}"',
        "pt": '**Dinamômetros**: "liste os dinamômetros", "me fale sobre o {dyno}"',
        "fr": '**Bancs** : "liste des bancs", "parle-moi de {dyno}"',
    },
    "example.plan": {
        "en": '**Plan** the open test requests at once: "plan the open forecast for the next '
              'quarter" (a preview), then "commit plan 3" to book it',
        "de": '**Planen** Sie alle offenen Testanfragen auf einmal: "plane die offenen Anfragen '
              'für das nächste Quartal" (eine Vorschau), dann "Plan 3 übernehmen" zum Buchen',
        "es": '**Planificar** todas las solicitudes abiertas a la vez: "plan the open requests '
              'for the next quarter" (una vista previa), luego "commit plan 3" para reservarlo',
        "pt": '**Planejar** todas as solicitações em aberto de uma vez: "plan the open requests '
              'for the next quarter" (uma prévia), depois "commit plan 3" para reservar',
        "fr": '**Planifier** toutes les demandes ouvertes d\'un coup : "plan the open requests '
              'for the next quarter" (un aperçu), puis "commit plan 3" pour le réserver',
    },
    "thanks": {"en": "You're welcome! Anything else about the dyno schedule?",
               "de": "Gern geschehen! Noch etwas zum Prüfstandsplan?",
               "es": "¡De nada! ¿Algo más sobre la agenda de los dinamómetros?",
               "pt": "De nada! Mais alguma coisa sobre a agenda dos dinamômetros?",
               "fr": "Avec plaisir ! Autre chose sur le planning des bancs ?"},
    "bye": {"en": "Goodbye!", "de": "Auf Wiedersehen!", "es": "¡Adiós!", "pt": "Até logo!",
            "fr": "Au revoir !"},
    "intro": {"en": "I'm Dyno Agent, the lab's scheduling assistant (offline mode).",
              "de": "Ich bin Dyno Agent, der Planungsassistent des Labors (Offline-Modus).",
              "es": "Soy Dyno Agent, el asistente de planificación del laboratorio (modo sin "
                    "conexión).",
              "pt": "Sou o Dyno Agent, o assistente de agendamento do laboratório (modo offline).",
              "fr": "Je suis Dyno Agent, l'assistant de planification du labo (mode hors ligne)."},
    "hello": {"en": "Hello! {lead}", "de": "Hallo! {lead}", "es": "¡Hola! {lead}",
              "pt": "Olá! {lead}", "fr": "Bonjour ! {lead}"},
    "unknown": {"en": "Sorry, I didn't understand that.\n\n{capabilities}",
                "de": "Das habe ich leider nicht verstanden.\n\n{capabilities}",
                "es": "Lo siento, no lo he entendido.\n\n{capabilities}",
                "pt": "Desculpe, não entendi.\n\n{capabilities}",
                "fr": "Désolé, je n'ai pas compris.\n\n{capabilities}"},
    "refusal": {
        "en": "Sorry, I can't help with that. I only work on the lab's dyno schedule, one booking "
              "at a time: I don't change many bookings at once, run database changes, share "
              "credentials or set my rules aside.\n\n{capabilities}",
        "de": "Dabei kann ich leider nicht helfen. Ich helfe nur beim Prüfstandsplan des Labors, "
              "eine Buchung nach der anderen: Ich ändere nicht viele Buchungen auf einmal, ändere "
              "keine Datenbank, gebe keine Zugangsdaten heraus und setze meine Regeln nicht "
              "außer Kraft.\n\n{capabilities}",
        "es": "Lo siento, no puedo ayudar con eso. Solo trabajo con la agenda de dinamómetros "
              "del laboratorio, una reserva cada vez: no cambio muchas reservas a la vez, no "
              "modifico la base de datos, no comparto credenciales ni dejo de lado mis "
              "reglas.\n\n{capabilities}",
        "pt": "Desculpe, não posso ajudar com isso. Só trabalho com a agenda de dinamômetros do "
              "laboratório, uma reserva por vez: não altero muitas reservas de uma vez, não "
              "modifico o banco de dados, não compartilho credenciais nem deixo minhas regras "
              "de lado.\n\n{capabilities}",
        "fr": "Désolé, je ne peux pas vous aider pour cela. Je ne travaille que sur le planning "
              "des bancs du labo, une réservation à la fois : je ne modifie pas plusieurs "
              "réservations d'un coup, je ne change pas la base de données, je ne partage pas "
              "d'identifiants et je ne mets pas mes règles de côté.\n\n{capabilities}",
    },
    "sql_out_of_scope": {
        "en": "In offline mode I don't write database queries myself: write the SELECT statement "
              'yourself (for example "SELECT name, facility FROM dynos"), or ask one of the '
              "questions below.\n\n{capabilities}",
        "de": "Im Offline-Modus schreibe ich keine Datenbankabfragen selbst: Schreiben Sie die "
              'SELECT-Abfrage selbst (zum Beispiel "SELECT name, facility FROM dynos") oder '
              "stellen Sie eine der Fragen unten.\n\n{capabilities}",
        "es": "En modo sin conexión no escribo consultas a la base de datos: escribe tú la "
              'sentencia SELECT (por ejemplo "SELECT name, facility FROM dynos") o haz una de '
              "las preguntas de abajo.\n\n{capabilities}",
        "pt": "No modo offline eu não escrevo consultas ao banco de dados: escreva você mesmo o "
              'SELECT (por exemplo "SELECT name, facility FROM dynos") ou faça uma das '
              "perguntas abaixo.\n\n{capabilities}",
        "fr": "En mode hors ligne, je n'écris pas de requêtes moi-même : écrivez la requête "
              'SELECT vous-même (par exemple "SELECT name, facility FROM dynos") ou posez une '
              "des questions ci-dessous.\n\n{capabilities}",
    },
    "tool_unavailable": {
        "en": "I can't do that right now: the `{name}` tool is not available.",
        "de": "Das kann ich gerade nicht: Das Werkzeug `{name}` ist nicht verfügbar.",
        "es": "Ahora no puedo hacerlo: la herramienta `{name}` no está disponible.",
        "pt": "Não posso fazer isso agora: a ferramenta `{name}` não está disponível.",
        "fr": "Je ne peux pas le faire pour l'instant : l'outil `{name}` n'est pas disponible.",
    },
    # Questions ---------------------------------------------------------------------------------
    "one_at_a_time": {
        "en": "You named {named}, but I can do this for one at a time. Which one should I start "
              "with?",
        "de": "Sie haben {named} genannt, aber ich kann das nur für eins nach dem anderen tun. "
              "Mit welchem soll ich anfangen?",
        "es": "Has nombrado {named}, pero solo puedo hacerlo de uno en uno. ¿Con cuál empiezo?",
        "pt": "Você citou {named}, mas só consigo fazer isso um de cada vez. Por qual começo?",
        "fr": "Vous avez cité {named}, mais je ne peux le faire que pour un à la fois. Par "
              "lequel dois-je commencer ?",
    },
    "so_far": {"en": "So far: {parts}.", "de": "Bisher: {parts}.", "es": "Hasta ahora: {parts}.",
               "pt": "Até agora: {parts}.", "fr": "Pour l'instant : {parts}."},
    "from_day": {"en": "from {day}", "de": "ab {day}", "es": "desde el {day}",
                 "pt": "a partir de {day}", "fr": "à partir du {day}"},
    "for_days": {"en": "for {days}", "de": "für {days}", "es": "durante {days}",
                 "pt": "por {days}", "fr": "pendant {days}"},
    "q.new_start": {
        "en": "What should the new start date be (e.g. next Monday or 2026-03-16)?",
        "de": "Was soll das neue Startdatum sein (z. B. nächsten Montag oder 2026-03-16)?",
        "es": "¿Cuál debe ser la nueva fecha de inicio (p. ej. el próximo lunes o 2026-03-16)?",
        "pt": "Qual deve ser a nova data de início (ex.: na próxima segunda ou 2026-03-16)?",
        "fr": "Quelle doit être la nouvelle date de début (par ex. lundi prochain ou "
              "2026-03-16) ?",
    },
    "q.window": {
        "en": "For which dates (e.g. next week, March 10 to 14, or in May)?",
        "de": "Für welches Datum bzw. welchen Zeitraum (z. B. nächste Woche, 10. bis 14. März "
              "oder im Mai)?",
        "es": "¿Para qué fechas (p. ej. la próxima semana, del 10 al 14 de marzo o en mayo)?",
        "pt": "Para quais datas (ex.: semana que vem, de 10 a 14 de março ou em maio)?",
        "fr": "Pour quelles dates (par ex. la semaine prochaine, du 10 au 14 mars ou en mai) ?",
    },
    "q.start_given_end": {
        "en": "You gave the end ({day}); when should it start?",
        "de": "Sie haben das Ende genannt ({day}); wann soll es beginnen?",
        "es": "Has indicado el final ({day}); ¿cuándo debe empezar?",
        "pt": "Você informou o fim ({day}); quando deve começar?",
        "fr": "Vous avez donné la fin ({day}) ; quand cela doit-il commencer ?",
    },
    "q.start_and_days": {
        "en": "When should it start, and for how many days?",
        "de": "Wann soll es beginnen, und für wie viele Tage?",
        "es": "¿Cuándo debe empezar y durante cuántos días?",
        "pt": "Quando deve começar e por quantos dias?",
        "fr": "Quand cela doit-il commencer, et pour combien de jours ?",
    },
    "q.start": {
        "en": "When should it start (e.g. next Monday or 2026-03-16)?",
        "de": "Wann soll es beginnen (z. B. nächsten Montag oder 2026-03-16)?",
        "es": "¿Cuándo debe empezar (p. ej. el próximo lunes o 2026-03-16)?",
        "pt": "Quando deve começar (ex.: na próxima segunda ou 2026-03-16)?",
        "fr": "Quand cela doit-il commencer (par ex. lundi prochain ou 2026-03-16) ?",
    },
    "q.invalid_vin": {
        "en": "{vin} is not a valid VIN (17 letters and digits, no I/O/Q). ",
        "de": "{vin} ist keine gültige VIN (17 Buchstaben und Ziffern, kein I/O/Q). ",
        "es": "{vin} no es un VIN válido (17 letras y dígitos, sin I/O/Q). ",
        "pt": "{vin} não é um VIN válido (17 letras e dígitos, sem I/O/Q). ",
        "fr": "{vin} n'est pas un VIN valide (17 lettres et chiffres, sans I/O/Q). ",
    },
    "q.vehicle": {
        "en": "Which vehicle? Give its id (e.g. vehicle 42) or VIN.",
        "de": "Welches Fahrzeug? Nennen Sie seine Nummer (z. B. Fahrzeug 42) oder die VIN.",
        "es": "¿Qué vehículo? Indica su número (p. ej. vehículo 42) o el VIN.",
        "pt": "Qual veículo? Informe o número (ex.: veículo 42) ou o VIN.",
        "fr": "Quel véhicule ? Donnez son numéro (par ex. véhicule 42) ou son VIN.",
    },
    "q.unknown_test": {
        "en": 'I don\'t know a "{name}" test. ',
        "de": 'Einen Test "{name}" kenne ich nicht. ',
        "es": 'No conozco una prueba "{name}". ',
        "pt": 'Não conheço um teste "{name}". ',
        "fr": 'Je ne connais pas d\'essai "{name}". ',
    },
    "q.test_type": {"en": "Which test type?", "de": "Welche Testart?",
                    "es": "¿Qué tipo de prueba?", "pt": "Qual tipo de teste?",
                    "fr": "Quel type d'essai ?"},
    "q.known_types": {"en": "{question} Known types: {known}.",
                      "de": "{question} Bekannte Testarten: {known}.",
                      "es": "{question} Tipos conocidos: {known}.",
                      "pt": "{question} Tipos conhecidos: {known}.",
                      "fr": "{question} Types connus : {known}."},
    "q.days": {"en": "For how many days?", "de": "Für wie viele Tage?",
               "es": "¿Durante cuántos días?", "pt": "Por quantos dias?",
               "fr": "Pour combien de jours ?"},
    "q.end": {"en": "Until which date?", "de": "Bis zu welchem Datum?", "es": "¿Hasta qué fecha?",
              "pt": "Até que data?", "fr": "Jusqu'à quelle date ?"},
    "q.booking": {
        "en": "Which booking? Give its number (e.g. booking 17).",
        "de": "Welche Buchung? Nennen Sie ihre Nummer (z. B. Buchung 17).",
        "es": "¿Qué reserva? Indica su número (p. ej. reserva 17).",
        "pt": "Qual reserva? Informe o número (ex.: reserva 17).",
        "fr": "Quelle réservation ? Donnez son numéro (par ex. réservation 17).",
    },
    "q.booking_hint": {
        "en": ' "Where is vehicle 42 booked?" lists a vehicle\'s bookings.',
        "de": ' "Wo ist Fahrzeug 42 gebucht?" listet die Buchungen eines Fahrzeugs auf.',
        "es": ' "¿Dónde está reservado el vehículo 42?" muestra las reservas de un vehículo.',
        "pt": ' "Onde o veículo 42 está reservado?" lista as reservas de um veículo.',
        "fr": ' "Où est réservé le véhicule 42 ?" liste les réservations d\'un véhicule.',
    },
    "q.dyno_names": {"en": "Which dyno? For example {names}.",
                     "de": "Welcher Prüfstand? Zum Beispiel {names}.",
                     "es": "¿Qué dinamómetro? Por ejemplo {names}.",
                     "pt": "Qual dinamômetro? Por exemplo {names}.",
                     "fr": "Quel banc ? Par exemple {names}."},
    "q.dyno": {"en": "Which dyno?", "de": "Welcher Prüfstand?", "es": "¿Qué dinamómetro?",
               "pt": "Qual dinamômetro?", "fr": "Quel banc ?"},
    "statuses": {"en": "scheduled, delayed, running, completed or cancelled",
                 "de": "scheduled, delayed, running, completed oder cancelled",
                 "es": "scheduled, delayed, running, completed o cancelled",
                 "pt": "scheduled, delayed, running, completed ou cancelled",
                 "fr": "scheduled, delayed, running, completed ou cancelled"},
    "q.status": {"en": "Which status: {statuses}?", "de": "Welcher Status: {statuses}?",
                 "es": "¿Qué estado: {statuses}?", "pt": "Qual status: {statuses}?",
                 "fr": "Quel statut : {statuses} ?"},
    "q.weight": {
        "en": "What does the vehicle weigh (e.g. 4,800 lbs or 2,200 kg)?",
        "de": "Wie viel wiegt das Fahrzeug (z. B. 4.800 lbs oder 2.200 kg)?",
        "es": "¿Cuánto pesa el vehículo (p. ej. 4.800 lbs o 2.200 kg)?",
        "pt": "Quanto pesa o veículo (ex.: 4.800 lbs ou 2.200 kg)?",
        "fr": "Combien pèse le véhicule (par ex. 4 800 lbs ou 2 200 kg) ?",
    },
    "q.drive": {"en": "Which drive type: 2WD, AWD or 4WD?",
                "de": "Welche Antriebsart: 2WD, AWD oder 4WD?",
                "es": "¿Qué tipo de tracción: 2WD, AWD o 4WD?",
                "pt": "Qual tipo de tração: 2WD, AWD ou 4WD?",
                "fr": "Quel type de transmission : 2WD, AWD ou 4WD ?"},
    "q.plan": {
        "en": 'Which plan? Give its number (e.g. plan 3); "plan the open requests" makes one.',
        "de": 'Welcher Plan? Nennen Sie seine Nummer (z. B. Plan 3); "plane die offenen '
              'Anfragen" erstellt einen.',
        "es": '¿Qué plan? Indica su número (p. ej. plan 3); "plan the open requests" crea uno.',
        "pt": 'Qual plano? Informe o número (ex.: plan 3); "plan the open requests" cria um.',
        "fr": 'Quel plan ? Donnez son numéro (par ex. plan 3) ; "plan the open requests" en '
              "crée un.",
    },
    "q.end_before_start": {
        "en": "The end ({end}) is before the start ({start}). Which dates did you mean?",
        "de": "Das Ende ({end}) liegt vor dem Beginn ({start}). Welche Daten meinten Sie?",
        "es": "El final ({end}) es anterior al inicio ({start}). ¿Qué fechas querías decir?",
        "pt": "O fim ({end}) é antes do início ({start}). Quais datas você quis dizer?",
        "fr": "La fin ({end}) est avant le début ({start}). Quelles dates vouliez-vous dire ?",
    },
    "q.need_more": {"en": "{head}To {goal} I need a bit more:\n{lines}",
                    "de": "{head}Um {goal}, brauche ich noch etwas mehr:\n{lines}",
                    "es": "{head}Para {goal} necesito algo más:\n{lines}",
                    "pt": "{head}Para {goal} preciso de mais algumas informações:\n{lines}",
                    "fr": "{head}Pour {goal}, j'ai besoin d'un peu plus :\n{lines}"},
    "q.didnt_catch": {"en": "Sorry, I didn't catch that. {question}",
                      "de": "Das habe ich nicht verstanden. {question}",
                      "es": "Perdona, no lo he entendido. {question}",
                      "pt": "Desculpe, não entendi. {question}",
                      "fr": "Pardon, je n'ai pas compris. {question}"},
    "goal.book": {"en": "book that", "de": "das zu buchen", "es": "reservarlo",
                  "pt": "reservar isso", "fr": "réserver cela"},
    "goal.find_availability": {"en": "find a free dyno",
                               "de": "einen freien Prüfstand zu finden",
                               "es": "encontrar un dinamómetro libre",
                               "pt": "encontrar um dinamômetro livre",
                               "fr": "trouver un banc libre"},
    "goal.check_vehicle": {"en": "look up that vehicle", "de": "das Fahrzeug nachzuschlagen",
                           "es": "consultar ese vehículo", "pt": "consultar esse veículo",
                           "fr": "consulter ce véhicule"},
    "goal.cancel": {"en": "cancel a booking", "de": "eine Buchung zu stornieren",
                    "es": "cancelar una reserva", "pt": "cancelar uma reserva",
                    "fr": "annuler une réservation"},
    "goal.reschedule": {"en": "move a booking", "de": "eine Buchung zu verschieben",
                        "es": "mover una reserva", "pt": "mudar uma reserva",
                        "fr": "déplacer une réservation"},
    "goal.change_status": {"en": "change a booking's status",
                           "de": "den Status einer Buchung zu ändern",
                           "es": "cambiar el estado de una reserva",
                           "pt": "mudar o status de uma reserva",
                           "fr": "changer le statut d'une réservation"},
    "goal.get_booking": {"en": "show a booking", "de": "eine Buchung anzuzeigen",
                         "es": "mostrar una reserva", "pt": "mostrar uma reserva",
                         "fr": "afficher une réservation"},
    "goal.dyno_schedule": {"en": "show a dyno's schedule",
                           "de": "die Belegung eines Prüfstands anzuzeigen",
                           "es": "mostrar la agenda de un dinamómetro",
                           "pt": "mostrar a agenda de um dinamômetro",
                           "fr": "afficher le planning d'un banc"},
    "goal.utilization": {"en": "report utilisation", "de": "die Auslastung zu berichten",
                         "es": "informar de la utilización", "pt": "relatar a utilização",
                         "fr": "présenter l'occupation"},
    "goal.get_dyno": {"en": "show a dyno", "de": "einen Prüfstand anzuzeigen",
                      "es": "mostrar un dinamómetro", "pt": "mostrar um dinamômetro",
                      "fr": "afficher un banc"},
    "goal.tests_by_status": {"en": "list tests by status", "de": "Tests nach Status aufzulisten",
                             "es": "listar pruebas por estado", "pt": "listar testes por status",
                             "fr": "lister les essais par statut"},
    "goal.commit_plan": {"en": "commit a plan", "de": "einen Plan zu übernehmen",
                         "es": "confirmar un plan", "pt": "confirmar um plano",
                         "fr": "valider un plan"},
    "goal.other": {"en": "do that", "de": "das zu tun", "es": "hacerlo", "pt": "fazer isso",
                   "fr": "faire cela"},
    # Answers from tool results -----------------------------------------------------------------
    "done": {"en": "Done.", "de": "Erledigt.", "es": "Hecho.", "pt": "Feito.", "fr": "C'est fait."},
    "tool_answered": {"en": "The `{name}` tool answered: {content}",
                      "de": "Das Werkzeug `{name}` hat geantwortet: {content}",
                      "es": "La herramienta `{name}` respondió: {content}",
                      "pt": "A ferramenta `{name}` respondeu: {content}",
                      "fr": "L'outil `{name}` a répondu : {content}"},
    "from_to": {"en": "from {start} to {end}", "de": "vom {start} bis {end}",
                "es": "del {start} al {end}", "pt": "de {start} a {end}",
                "fr": "du {start} au {end}"},
    "from": {"en": "from {start}", "de": "ab {start}", "es": "desde el {start}",
             "pt": "a partir de {start}", "fr": "à partir du {start}"},
    "until": {"en": "until {end}", "de": "bis {end}", "es": "hasta el {end}",
              "pt": "até {end}", "fr": "jusqu'au {end}"},
    "allocation": {
        "en": "booking #{id}: {test} for {who} on **{dyno}**, {start} to {end} ({days}, {status})",
        "de": "Buchung #{id}: {test} für {who} auf **{dyno}**, {start} bis {end} ({days}, "
              "{status})",
        "es": "reserva #{id}: {test} para {who} en **{dyno}**, del {start} al {end} ({days}, "
              "{status})",
        "pt": "reserva #{id}: {test} para {who} no **{dyno}**, de {start} a {end} ({days}, "
              "{status})",
        "fr": "réservation #{id} : {test} pour {who} sur **{dyno}**, du {start} au {end} "
              "({days}, {status})",
    },
    "booked": {"en": "Booked #{id}: {test} for {who} on **{dyno}**, {start} to {end} ({days}, {status}).", "de": "Gebucht: {allocation}.",
               "es": "Reservado: {allocation}.", "pt": "Reservado: {allocation}.",
               "fr": "Réservé : {allocation}."},
    "booked.shifted": {"en": "That is {days} later than requested (backup window).",
                       "de": "Das ist {days} später als gewünscht (Ausweichfenster).",
                       "es": "Son {days} más tarde de lo pedido (ventana de respaldo).",
                       "pt": "São {days} depois do pedido (janela de reserva).",
                       "fr": "C'est {days} plus tard que demandé (fenêtre de secours)."},
    "booked.undo": {"en": 'To undo it, say "cancel booking {id}".',
                    "de": 'Zum Rückgängigmachen sagen Sie "storniere Buchung {id}".',
                    "es": 'Para deshacerlo, di "cancela la reserva {id}".',
                    "pt": 'Para desfazer, diga "cancele a reserva {id}".',
                    "fr": 'Pour l\'annuler, dites "annule la réservation {id}".'},
    "changed.cancelled": {"en": "Cancelled {allocation}.", "de": "Storniert: {allocation}.",
                          "es": "Cancelada: {allocation}.", "pt": "Cancelada: {allocation}.",
                          "fr": "Annulée : {allocation}."},
    "changed.moved": {"en": "Moved {allocation}.", "de": "Verschoben: {allocation}.",
                      "es": "Movida: {allocation}.", "pt": "Mudada: {allocation}.",
                      "fr": "Déplacée : {allocation}."},
    "changed.updated": {"en": "Updated {allocation}.", "de": "Aktualisiert: {allocation}.",
                        "es": "Actualizada: {allocation}.", "pt": "Atualizada: {allocation}.",
                        "fr": "Mise à jour : {allocation}."},
    "allocation.shown": {"en": "{allocation}.", "de": "{allocation}.", "es": "{allocation}.",
                         "pt": "{allocation}.", "fr": "{allocation}."},
    "today": {"en": "Today is {weekday}, {today}.", "de": "Heute ist {weekday}, der {today}.",
              "es": "Hoy es {weekday}, {today}.", "pt": "Hoje é {weekday}, {today}.",
              "fr": "Nous sommes le {weekday} {today}."},
    "need": {"en": "{test} ({drive}, {weight_class})", "de": "{test} ({drive}, {weight_class})",
             "es": "{test} ({drive}, {weight_class})", "pt": "{test} ({drive}, {weight_class})",
             "fr": "{test} ({drive}, {weight_class})"},
    "avail.free": {"en": "{dynos} can take {need} {from_to} (best first):",
                   "de": "{dynos} können {need} {from_to} übernehmen (die besten zuerst):",
                   "es": "{dynos} pueden hacer {need} {from_to} (los mejores primero):",
                   "pt": "{dynos} podem fazer {need} {from_to} (os melhores primeiro):",
                   "fr": "{dynos} peuvent prendre {need} {from_to} (les meilleurs d'abord) :"},
    "avail.free.one": {"en": "{dynos} can take {need} {from_to} (best first):",
                       "de": "{dynos} kann {need} {from_to} übernehmen:",
                       "es": "{dynos} puede hacer {need} {from_to}:",
                       "pt": "{dynos} pode fazer {need} {from_to}:",
                       "fr": "{dynos} peut prendre {need} {from_to} :"},
    "avail.book_hint": {
        "en": 'To book one, say for example "Book vehicle 42 for {test} on {start} for N days".',
        "de": 'Zum Buchen sagen Sie zum Beispiel "Buche Fahrzeug 42 für einen {test} am {start} '
              'für N Tage".',
        "es": 'Para reservar uno, di por ejemplo "Reserva el vehículo 42 para una {test} el '
              '{start} durante N días".',
        "pt": 'Para reservar um, diga por exemplo "Reserve o veículo 42 para um {test} em '
              '{start} por N dias".',
        "fr": 'Pour en réserver un, dites par exemple "Réserve le véhicule 42 pour un {test} le '
              '{start} pendant N jours".',
    },
    "avail.incompatible": {"en": "No dyno in the lab can run {need}. {message}",
                           "de": "Kein Prüfstand im Labor kann {need} fahren. {message}",
                           "es": "Ningún dinamómetro del laboratorio puede hacer {need}. {message}",
                           "pt": "Nenhum dinamômetro do laboratório pode fazer {need}. {message}",
                           "fr": "Aucun banc du labo ne peut faire {need}. {message}"},
    "avail.vehicle_busy": {
        "en": "Vehicle {vehicle} is already booked from **{start}** to **{end}** on {dyno} "
              "(allocation #{id}, {test}), so no dyno can take it then.",
        "de": "Fahrzeug {vehicle} ist schon von **{start}** bis **{end}** auf {dyno} gebucht "
              "(Buchung #{id}, {test}), also kann es dann kein Prüfstand übernehmen.",
        "es": "El vehículo {vehicle} ya está reservado del **{start}** al **{end}** en {dyno} "
              "(reserva #{id}, {test}), así que ningún dinamómetro puede tomarlo entonces.",
        "pt": "O veículo {vehicle} já está reservado de **{start}** a **{end}** em {dyno} "
              "(reserva #{id}, {test}), então nenhum dinamômetro pode recebê-lo nesse período.",
        "fr": "Le véhicule {vehicle} est déjà réservé du **{start}** au **{end}** sur {dyno} "
              "(réservation #{id}, {test}) : aucun banc ne peut le prendre à ce moment-là.",
    },
    "avail.vehicle_next": {
        "en": "The earliest it and a compatible dyno are both free is **{start}** on **{dyno}**.",
        "de": "Frühestens ab **{start}** sind das Fahrzeug und ein passender Prüfstand "
              "(**{dyno}**) frei.",
        "es": "Lo más pronto que están libres el vehículo y un dinamómetro compatible es el "
              "**{start}** en **{dyno}**.",
        "pt": "O mais cedo em que o veículo e um dinamômetro compatível estão livres é "
              "**{start}** em **{dyno}**.",
        "fr": "Au plus tôt, le véhicule et un banc compatible sont libres le **{start}** sur "
              "**{dyno}**.",
    },
    "no_free": {"en": "No compatible dyno is free for {need}{window}:",
                "de": "Kein passender Prüfstand ist frei für {need}{window}:",
                "es": "Ningún dinamómetro compatible está libre para {need}{window}:",
                "pt": "Nenhum dinamômetro compatível está livre para {need}{window}:",
                "fr": "Aucun banc compatible n'est libre pour {need}{window} :"},
    "vehicle.who": {"en": "Vehicle {id} (VIN {vin}{facts})", "de": "Fahrzeug {id} (VIN {vin}{facts})",
                    "es": "El vehículo {id} (VIN {vin}{facts})",
                    "pt": "O veículo {id} (VIN {vin}{facts})",
                    "fr": "Le véhicule {id} (VIN {vin}{facts})"},
    "vehicle.none": {"en": "{who} has no bookings.", "de": "{who} hat keine Buchungen.",
                     "es": "{who} no tiene reservas.", "pt": "{who} não tem reservas.",
                     "fr": "{who} n'a aucune réservation."},
    "vehicle.some": {"en": "{who} has {count}:\n\n{table}", "de": "{who} hat {count}:\n\n{table}",
                     "es": "{who} tiene {count}:\n\n{table}", "pt": "{who} tem {count}:\n\n{table}",
                     "fr": "{who} a {count} :\n\n{table}"},
    "conflicts.none": {"en": "No conflicts found{range}.", "de": "Keine Konflikte{range}.",
                       "es": "No hay conflictos{range}.", "pt": "Nenhum conflito{range}.",
                       "fr": "Aucun conflit{range}."},
    "conflicts.some": {"en": "Found {count}{range}:\n\n{table}",
                       "de": "{count} gefunden{range}:\n\n{table}",
                       "es": "Encontré {count}{range}:\n\n{table}",
                       "pt": "Encontrei {count}{range}:\n\n{table}",
                       "fr": "{count} trouvé(s){range} :\n\n{table}"},
    "status.available": {"en": "available", "de": "verfügbar", "es": "disponible",
                         "pt": "disponível", "fr": "disponible"},
    "status.disabled": {"en": "disabled", "de": "deaktiviert", "es": "desactivado",
                        "pt": "desativado", "fr": "désactivé"},
    "status.outside_window": {"en": "outside its commissioned window",
                              "de": "außerhalb seines Einsatzzeitraums",
                              "es": "fuera de su periodo de servicio",
                              "pt": "fora do seu período de operação",
                              "fr": "hors de sa période de service"},
    "status.maintenance": {"en": "in maintenance", "de": "in Wartung", "es": "en mantenimiento",
                           "pt": "em manutenção", "fr": "en maintenance"},
    "status.busy": {"en": "booked", "de": "belegt", "es": "reservado", "pt": "reservado",
                    "fr": "réservé"},
    "maint.focus": {"en": "On {day}, **{dyno}** is {state}{reason}.",
                    "de": "Am {day} ist **{dyno}** {state}{reason}.",
                    "es": "El {day}, **{dyno}** está {state}{reason}.",
                    "pt": "Em {day}, o **{dyno}** está {state}{reason}.",
                    "fr": "Le {day}, **{dyno}** est {state}{reason}."},
    "maint.all": {"en": "All {count} are available on {day}.",
                  "de": "Alle {count} sind am {day} verfügbar.",
                  "es": "Los {count} están disponibles el {day}.",
                  "pt": "Todos os {count} estão disponíveis em {day}.",
                  "fr": "Les {count} sont disponibles le {day}."},
    "maint.down": {"en": "{down} of {count} unavailable on {day}:",
                   "de": "{down} von {count} am {day} nicht verfügbar:",
                   "es": "{down} de {count} no disponibles el {day}:",
                   "pt": "{down} de {count} indisponíveis em {day}:",
                   "fr": "{down} sur {count} indisponible(s) le {day} :"},
    "maint.others": {"en": "All other dynos are available.",
                     "de": "Alle anderen Prüfstände sind verfügbar.",
                     "es": "Todos los demás dinamómetros están disponibles.",
                     "pt": "Todos os outros dinamômetros estão disponíveis.",
                     "fr": "Tous les autres bancs sont disponibles."},
    "completed.one": {"en": "{n} test has been completed.", "de": "{n} Test ist abgeschlossen.",
                      "es": "Se ha completado {n} prueba.", "pt": "{n} teste foi concluído.",
                      "fr": "{n} essai est terminé."},
    "completed.many": {"en": "{n} tests have been completed.",
                       "de": "{n} Tests sind abgeschlossen.",
                       "es": "Se han completado {n} pruebas.", "pt": "{n} testes foram concluídos.",
                       "fr": "{n} essais sont terminés."},
    "by_status.none": {"en": "There are no {status} tests.",
                       "de": "Es gibt keine Tests mit Status {status}.",
                       "es": "No hay pruebas con estado {status}.",
                       "pt": "Não há testes com status {status}.",
                       "fr": "Il n'y a aucun essai au statut {status}."},
    "by_status.one": {"en": "{n} {status} test", "de": "Es gibt {n} Test mit dem Status {status}",
                      "es": "Hay {n} prueba con el estado {status}",
                      "pt": "Há {n} teste com o status {status}",
                      "fr": "Il y a {n} essai avec le statut {status}"},
    "by_status.many": {"en": "{n} {status} tests", "de": "Es gibt {n} Tests mit dem Status {status}",
                       "es": "Hay {n} pruebas con el estado {status}",
                       "pt": "Há {n} testes com o status {status}",
                       "fr": "Il y a {n} essais avec le statut {status}"},
    "listed": {"en": "{what}:", "de": "{what}:", "es": "{what}:", "pt": "{what}:",
               "fr": "{what} :"},
    "first_listed": {"en": "{what}; the first {shown} are listed:",
                     "de": "{what}; die ersten {shown} sind aufgeführt:",
                     "es": "{what}; se muestran los primeros {shown}:",
                     "pt": "{what}; os primeiros {shown} estão listados:",
                     "fr": "{what} ; les {shown} premiers sont listés :"},
    "query.none": {"en": "The query returned no rows.", "de": "Die Abfrage lieferte keine Zeilen.",
                   "es": "La consulta no devolvió filas.", "pt": "A consulta não retornou linhas.",
                   "fr": "La requête n'a renvoyé aucune ligne."},
    "query.lead": {"en": "The query returned {count}", "de": "Die Abfrage lieferte {count}",
                   "es": "La consulta devolvió {count}", "pt": "A consulta retornou {count}",
                   "fr": "La requête a renvoyé {count}"},
    "query.truncated": {"en": "; the first {shown} are shown", "de": "; die ersten {shown} sind zu sehen",
                        "es": "; se muestran las primeras {shown}",
                        "pt": "; as primeiras {shown} são mostradas",
                        "fr": " ; les {shown} premières sont affichées"},
    "schedule.empty": {"en": "**{name}** has no bookings and no maintenance {from_to}.",
                       "de": "**{name}** hat {from_to} keine Buchungen und keine Wartung.",
                       "es": "**{name}** no tiene reservas ni mantenimiento {from_to}.",
                       "pt": "O **{name}** não tem reservas nem manutenção {from_to}.",
                       "fr": "**{name}** n'a ni réservation ni maintenance {from_to}."},
    "schedule.lead": {"en": "**{name}** {from_to}: {count}.",
                      "de": "Belegung von **{name}** {from_to}: {count}.",
                      "es": "Agenda de **{name}** {from_to}: {count}.",
                      "pt": "Agenda do **{name}** {from_to}: {count}.",
                      "fr": "Planning de **{name}** {from_to} : {count}."},
    "schedule.maintenance": {"en": "Maintenance:", "de": "Wartung:", "es": "Mantenimiento:",
                             "pt": "Manutenção:", "fr": "Maintenance :"},
    "util.overall": {"en": "Overall utilisation {from_to}: **{percent}**.",
                     "de": "Gesamtauslastung {from_to}: **{percent}**.",
                     "es": "Utilización total {from_to}: **{percent}**.",
                     "pt": "Utilização total {from_to}: **{percent}**.",
                     "fr": "Occupation globale {from_to} : **{percent}**."},
    "util.focus": {"en": " **{dyno}**: {percent} ({booked} of {available} available days booked).",
                   "de": " **{dyno}**: {percent} ({booked} von {available} verfügbaren Tagen gebucht).",
                   "es": " **{dyno}**: {percent} ({booked} de {available} días disponibles reservados).",
                   "pt": " **{dyno}**: {percent} ({booked} de {available} dias disponíveis reservados).",
                   "fr": " **{dyno}** : {percent} ({booked} jours réservés sur {available} disponibles)."},
    "window.always": {"en": "always", "de": "immer", "es": "siempre", "pt": "sempre",
                      "fr": "toujours"},
    "window.open": {"en": "open", "de": "offen", "es": "abierto", "pt": "aberto", "fr": "ouvert"},
    "window.range": {"en": "{start} to {end}", "de": "{start} bis {end}", "es": "{start} a {end}",
                     "pt": "{start} a {end}", "fr": "{start} au {end}"},
    "dynos.none": {"en": "There are no dynos to list.", "de": "Es gibt keine Prüfstände.",
                   "es": "No hay dinamómetros que mostrar.", "pt": "Não há dinamômetros para listar.",
                   "fr": "Il n'y a aucun banc à lister."},
    "dynos.lead": {"en": "The lab has {count}:\n\n{table}", "de": "Das Labor hat {count}:\n\n{table}",
                   "es": "El laboratorio tiene {count}:\n\n{table}",
                   "pt": "O laboratório tem {count}:\n\n{table}",
                   "fr": "Le labo a {count} :\n\n{table}"},
    "dyno.enabled": {"en": "enabled", "de": "aktiv", "es": "activo", "pt": "ativo", "fr": "actif"},
    "dyno.disabled": {"en": "disabled", "de": "deaktiviert", "es": "desactivado",
                      "pt": "desativado", "fr": "désactivé"},
    "dyno.lead": {"en": "**{name}** ({facility}, id {id}) is {state}; bookable {window}.",
                  "de": "**{name}** ({facility}, id {id}) ist {state}; buchbar {window}.",
                  "es": "**{name}** ({facility}, id {id}) está {state}; reservable {window}.",
                  "pt": "O **{name}** ({facility}, id {id}) está {state}; reservável {window}.",
                  "fr": "**{name}** ({facility}, id {id}) est {state} ; réservable {window}."},
    "dyno.notes": {"en": " Notes: {notes}", "de": " Notizen: {notes}", "es": " Notas: {notes}",
                   "pt": " Notas: {notes}", "fr": " Notes : {notes}"},
    "dyno.no_rules": {"en": "{lead} It has no test rules yet, so nothing can be booked on it.",
                      "de": "{lead} Er hat noch keine Testregeln, also kann nichts darauf gebucht werden.",
                      "es": "{lead} Aún no tiene reglas de prueba, así que no se puede reservar nada en él.",
                      "pt": "{lead} Ainda não tem regras de teste, então nada pode ser reservado nele.",
                      "fr": "{lead} Il n'a pas encore de règles d'essai : rien ne peut y être réservé."},
    "dyno.rules": {"en": "{lead} It can run:\n\n{table}", "de": "{lead} Er kann:\n\n{table}",
                   "es": "{lead} Puede hacer:\n\n{table}", "pt": "{lead} Pode fazer:\n\n{table}",
                   "fr": "{lead} Il peut faire :\n\n{table}"},
    "plan.lead": {
        "en": "**Plan {plan_id}** (a preview: nothing is booked yet) places {placed} of "
              "{requests}; {unplaced} unplaced. Lateness: {late} in all, {mean} on average.",
        "de": "**Plan {plan_id}** (eine Vorschau: noch ist nichts gebucht) plant {placed} von "
              "{requests} ein; {unplaced} nicht eingeplant. Verzug: {late} insgesamt, {mean} im "
              "Schnitt.",
        "es": "**Plan {plan_id}** (una vista previa: aún no hay nada reservado) coloca {placed} "
              "de {requests}; {unplaced} sin colocar. Retraso: {late} en total, {mean} de media.",
        "pt": "**Plano {plan_id}** (uma prévia: nada foi reservado ainda) encaixa {placed} de "
              "{requests}; {unplaced} sem encaixe. Atraso: {late} no total, {mean} em média.",
        "fr": "**Plan {plan_id}** (un aperçu : rien n'est encore réservé) place {placed} "
              "{requests} sur le total ; {unplaced} non placé(s). Retard : {late} au total, "
              "{mean} en moyenne.",
    },
    "plan.solver": {
        "en": "Solver: {status}, gap {gap}, {seconds} s. Utilisation {before} → {after} until the "
              "horizon ({horizon}).",
        "de": "Solver: {status}, Lücke {gap}, {seconds} s. Auslastung {before} → {after} bis zum "
              "Horizont ({horizon}).",
        "es": "Solver: {status}, brecha {gap}, {seconds} s. Utilización {before} → {after} hasta "
              "el horizonte ({horizon}).",
        "pt": "Solver: {status}, gap {gap}, {seconds} s. Utilização {before} → {after} até o "
              "horizonte ({horizon}).",
        "fr": "Solveur : {status}, écart {gap}, {seconds} s. Occupation {before} → {after} "
              "jusqu'à l'horizon ({horizon}).",
    },
    "plan.bottleneck": {"en": "Bottleneck: {name}.", "de": "Engpass: {name}.",
                        "es": "Cuello de botella: {name}.", "pt": "Gargalo: {name}.",
                        "fr": "Goulot d'étranglement : {name}."},
    "plan.unplaced": {"en": "Unplaced:", "de": "Nicht eingeplant:", "es": "Sin colocar:",
                      "pt": "Sem encaixe:", "fr": "Non placées :"},
    "more": {"en": "…and {more} more.", "de": "…und {more} weitere.", "es": "…y {more} más.",
             "pt": "…e mais {more}.", "fr": "…et {more} de plus."},
    "plan.first": {"en": "The first {shown} of {count}:", "de": "Die ersten {shown} von {count}:",
                   "es": "Las primeras {shown} de {count}:", "pt": "As primeiras {shown} de {count}:",
                   "fr": "Les {shown} premières sur {count} :"},
    "plan.commit_hint": {
        "en": 'Say "commit plan {plan_id}" to book it (power users; I will ask first).',
        "de": 'Sagen Sie "Plan {plan_id} übernehmen", um ihn zu buchen (Power-User; ich frage '
              "vorher).",
        "es": 'Di "commit plan {plan_id}" para reservarlo (usuarios avanzados; preguntaré antes).',
        "pt": 'Diga "commit plan {plan_id}" para reservá-lo (usuários avançados; vou perguntar '
              "antes).",
        "fr": 'Dites "commit plan {plan_id}" pour le réserver (utilisateurs avancés ; je '
              "demanderai d'abord).",
    },
    "plan.committed": {"en": "Committed plan {plan_id}: {count} made.",
                       "de": "Plan {plan_id} übernommen: {count} angelegt.",
                       "es": "Plan {plan_id} confirmado: {count} hechas.",
                       "pt": "Plano {plan_id} confirmado: {count} feitas.",
                       "fr": "Plan {plan_id} validé : {count} créée(s)."},
    "mine.none": {"en": "You have no bookings.", "de": "Sie haben keine Buchungen.",
                  "es": "No tienes reservas.", "pt": "Você não tem reservas.",
                  "fr": "Vous n'avez aucune réservation."},
    "mine.none_period": {"en": "You have no bookings in that period.",
                         "de": "Sie haben in diesem Zeitraum keine Buchungen.",
                         "es": "No tienes reservas en ese periodo.",
                         "pt": "Você não tem reservas nesse período.",
                         "fr": "Vous n'avez aucune réservation sur cette période."},
    "mine.lead": {"en": "You made {count}", "de": "Sie haben {count} angelegt",
                  "es": "Hiciste {count}", "pt": "Você fez {count}", "fr": "Vous avez fait {count}"},
    # Failed tool calls -------------------------------------------------------------------------
    "hint.vehicle_not_found": {
        "en": 'Check the vehicle id or VIN ("check VIN ..." looks a vehicle up).',
        "de": 'Prüfen Sie die Fahrzeugnummer oder VIN ("prüfe VIN ..." schlägt ein Fahrzeug nach).',
        "es": 'Revisa el número de vehículo o el VIN ("revisa el VIN ..." busca un vehículo).',
        "pt": 'Confira o número do veículo ou o VIN ("verifique o VIN ..." procura um veículo).',
        "fr": 'Vérifiez le numéro du véhicule ou le VIN ("vérifie le VIN ..." recherche un '
              "véhicule).",
    },
    "hint.allocation_not_found": {
        "en": 'Check the booking number ("where is vehicle 42 booked?" lists a vehicle\'s '
              "bookings).",
        "de": 'Prüfen Sie die Buchungsnummer ("wo ist Fahrzeug 42 gebucht?" listet die Buchungen '
              "eines Fahrzeugs auf).",
        "es": 'Revisa el número de reserva ("¿dónde está reservado el vehículo 42?" muestra las '
              "reservas de un vehículo).",
        "pt": 'Confira o número da reserva ("onde o veículo 42 está reservado?" lista as reservas '
              "de um veículo).",
        "fr": 'Vérifiez le numéro de réservation ("où est réservé le véhicule 42 ?" liste les '
              "réservations d'un véhicule).",
    },
    "hint.permission_denied": {
        "en": "Only the booking's owner or a power user can change it.",
        "de": "Nur der Inhaber der Buchung oder ein Power-User kann sie ändern.",
        "es": "Solo el dueño de la reserva o un usuario avanzado puede cambiarla.",
        "pt": "Só o dono da reserva ou um usuário avançado pode alterá-la.",
        "fr": "Seul le propriétaire de la réservation ou un utilisateur avancé peut la modifier.",
    },
    "hint.plan_committed": {
        "en": 'Ask for a new plan ("plan the open requests") to book what is left.',
        "de": 'Fordern Sie einen neuen Plan an ("plane die offenen Anfragen"), um den Rest zu '
              "buchen.",
        "es": 'Pide un plan nuevo ("plan the open requests") para reservar lo que queda.',
        "pt": 'Peça um novo plano ("plan the open requests") para reservar o que falta.',
        "fr": 'Demandez un nouveau plan ("plan the open requests") pour réserver le reste.',
    },
    "plan.conflicts_hint": {
        "en": 'Make a new plan ("plan the open requests") and commit that one.',
        "de": 'Erstellen Sie einen neuen Plan ("plane die offenen Anfragen") und übernehmen Sie '
              "diesen.",
        "es": 'Haz un plan nuevo ("plan the open requests") y confirma ese.',
        "pt": 'Faça um novo plano ("plan the open requests") e confirme esse.',
        "fr": 'Faites un nouveau plan ("plan the open requests") et validez celui-là.',
    },
    "earliest": {"en": "The earliest free start is **{start}** on **{dyno}**.",
                 "de": "Der früheste freie Beginn ist **{start}** auf **{dyno}**.",
                 "es": "El primer inicio libre es el **{start}** en **{dyno}**.",
                 "pt": "O primeiro início livre é **{start}** no **{dyno}**.",
                 "fr": "Le premier début libre est le **{start}** sur **{dyno}**."},
    "declined.plan": {"en": "Okay, plan {plan_id} stays a preview; nothing was booked.",
                      "de": "In Ordnung, Plan {plan_id} bleibt eine Vorschau; nichts wurde gebucht.",
                      "es": "De acuerdo, el plan {plan_id} sigue siendo una vista previa; no se "
                            "reservó nada.",
                      "pt": "Tudo bem, o plano {plan_id} continua uma prévia; nada foi reservado.",
                      "fr": "D'accord, le plan {plan_id} reste un aperçu ; rien n'a été réservé."},
    "declined.booking": {"en": "Okay, I left booking {id} unchanged.",
                         "de": "In Ordnung, ich habe Buchung {id} nicht geändert.",
                         "es": "De acuerdo, he dejado la reserva {id} sin cambios.",
                         "pt": "Tudo bem, deixei a reserva {id} sem alterações.",
                         "fr": "D'accord, je n'ai pas modifié la réservation {id}."},
    "declined": {"en": "Okay, I didn't do it; nothing was changed.",
                 "de": "In Ordnung, ich habe es nicht getan; nichts wurde geändert.",
                 "es": "De acuerdo, no lo he hecho; no se ha cambiado nada.",
                 "pt": "Tudo bem, não fiz; nada foi alterado.",
                 "fr": "D'accord, je ne l'ai pas fait ; rien n'a été modifié."},
    "invalid_arguments": {"en": "I couldn't run `{name}`: {message}",
                          "de": "Ich konnte `{name}` nicht ausführen: {message}",
                          "es": "No pude ejecutar `{name}`: {message}",
                          "pt": "Não consegui executar `{name}`: {message}",
                          "fr": "Je n'ai pas pu exécuter `{name}` : {message}"},
    "rebook_hint": {
        "en": 'To take that slot, say "Book {vehicle} for {test} on {start} for {days} days".',
        "de": 'Für diesen Termin sagen Sie "Buche {vehicle} für einen {test} am {start} für '
              '{days} Tage".',
        "es": 'Para tomar ese hueco, di "Reserva el {vehicle} para una {test} el {start} '
              'durante {days} días".',
        "pt": 'Para pegar essa vaga, diga "Reserve o {vehicle} para um {test} em {start} por '
              '{days} dias".',
        "fr": 'Pour prendre ce créneau, dites "Réserve le {vehicle} pour un {test} le {start} '
              'pendant {days} jours".',
    },
    "this_test": {"en": "this test", "de": "diesen Test", "es": "esta prueba", "pt": "este teste",
                  "fr": "cet essai"},
    "no_capacity.plain": {"en": "No dyno is free: {message}",
                          "de": "Kein Prüfstand ist frei: {message}",
                          "es": "No hay ningún dinamómetro libre: {message}",
                          "pt": "Nenhum dinamômetro está livre: {message}",
                          "fr": "Aucun banc n'est libre : {message}"},
    "no_capacity.backup": {
        "en": 'Add "with backup" to let me try later start days as well.',
        "de": 'Fügen Sie "mit Ausweichtermin" hinzu, dann versuche ich auch spätere Starttage.',
        "es": 'Añade "con respaldo" para que pruebe también días de inicio posteriores.',
        "pt": 'Acrescente "com reserva de backup" para eu tentar também dias de início '
              "posteriores.",
        "fr": 'Ajoutez "avec date de secours" pour que j\'essaie aussi des jours de début plus '
              "tardifs.",
    },
    "incompatible.ask": {"en": " Ask which dynos are free to find one that can.",
                         "de": " Fragen Sie, welche Prüfstände frei sind, um einen passenden zu "
                               "finden.",
                         "es": " Pregunta qué dinamómetros están libres para encontrar uno que "
                               "pueda.",
                         "pt": " Pergunte quais dinamômetros estão livres para achar um que "
                               "possa.",
                         "fr": " Demandez quels bancs sont libres pour en trouver un qui "
                               "convient."},
    "known_types": {"en": "Known test types: {types}.", "de": "Bekannte Testarten: {types}.",
                    "es": "Tipos de prueba conocidos: {types}.",
                    "pt": "Tipos de teste conhecidos: {types}.",
                    "fr": "Types d'essai connus : {types}."},
    "known_dynos": {"en": "{message} Known dynos: {names}.",
                    "de": "{message} Bekannte Prüfstände: {names}.",
                    "es": "{message} Dinamómetros conocidos: {names}.",
                    "pt": "{message} Dinamômetros conhecidos: {names}.",
                    "fr": "{message} Bancs connus : {names}."},
    "failed": {"en": "That didn't work: {message}", "de": "Das hat nicht geklappt: {message}",
               "es": "Eso no funcionó: {message}", "pt": "Isso não funcionou: {message}",
               "fr": "Cela n'a pas marché : {message}"},
    # Calendar feeds (agent/offline/feeds.py)
    "feed.link": {"en": "Here is your calendar feed for {what} (subscribe to it in Outlook, Google or Apple Calendar):\n\n`{url}`\n\nAnyone with this link can read the feed; revoke it under Calendar feeds (\"{label}\").",
                  "de": "Hier ist dein Kalender-Feed für {what} (in Outlook, Google oder Apple Kalender abonnieren):\n\n`{url}`\n\nJeder mit diesem Link kann den Feed lesen; widerrufen kannst du ihn unter Kalender-Feeds (\"{label}\").",
                  "es": "Aquí tienes el feed de calendario de {what} (suscríbete en Outlook, Google o Apple Calendar):\n\n`{url}`\n\nCualquiera con este enlace puede leerlo; revócalo en Calendar feeds (\"{label}\").",
                  "pt": "Aqui está o feed de calendário de {what} (assine no Outlook, Google ou Apple Calendar):\n\n`{url}`\n\nQualquer pessoa com este link pode lê-lo; revogue-o em Calendar feeds (\"{label}\").",
                  "fr": "Voici le flux de calendrier pour {what} (abonnez-vous dans Outlook, Google ou Apple Calendar) :\n\n`{url}`\n\nToute personne ayant ce lien peut le lire ; révoquez-le sous Calendar feeds (\"{label}\")."},
    "feed.mine": {"en": "your bookings", "de": "deine Buchungen", "es": "tus reservas",
                  "pt": "suas reservas", "fr": "vos réservations"},
    "feed.dyno": {"en": "dyno {ref}", "de": "Prüfstand {ref}", "es": "el dinamómetro {ref}",
                  "pt": "o dinamômetro {ref}", "fr": "le banc {ref}"},
    "feed.facility": {"en": "facility {ref}", "de": "Standort {ref}", "es": "la instalación {ref}",
                      "pt": "a instalação {ref}", "fr": "le site {ref}"},
    "feed.vehicle": {"en": "vehicle {ref}", "de": "Fahrzeug {ref}", "es": "el vehículo {ref}",
                     "pt": "o veículo {ref}", "fr": "le véhicule {ref}"},
    "notify.which": {
        "en": "Which bookings should I notify you about: a dyno (\"dyno 3\", \"MPG 5\"), a "
              "vehicle (\"vehicle 12\"), a facility (\"facility MPG\") or all bookings?",
        "de": "Über welche Buchungen soll ich Sie benachrichtigen: einen Prüfstand (\"Dyno 3\", "
              "\"MPG 5\"), ein Fahrzeug (\"Fahrzeug 12\"), einen Standort (\"Standort MPG\") "
              "oder alle Buchungen?",
        "es": "¿Sobre qué reservas le aviso: un dinamómetro (\"dyno 3\"), un vehículo "
              "(\"vehicle 12\"), una instalación (\"facility MPG\") o todas las reservas?",
        "pt": "Sobre quais reservas devo avisá-lo: um dinamômetro (\"dyno 3\"), um veículo "
              "(\"vehicle 12\"), uma instalação (\"facility MPG\") ou todas as reservas?",
        "fr": "Pour quelles réservations dois-je vous prévenir : un banc (\"dyno 3\"), un "
              "véhicule (\"vehicle 12\"), un site (\"facility MPG\") ou toutes les réservations ?",
    },
    "notify.subscribed": {
        "en": "Done: you will get an e-mail when a booking on **{what}** is made, moved, delayed, "
              "started or cancelled (subscription {id}).",
        "de": "Erledigt: Sie bekommen eine E-Mail, wenn eine Buchung auf **{what}** angelegt, "
              "verschoben, verzögert, gestartet oder storniert wird (Abo {id}).",
        "es": "Hecho: recibirá un correo cuando una reserva en **{what}** se cree, mueva, retrase, "
              "inicie o cancele (suscripción {id}).",
        "pt": "Feito: você receberá um e-mail quando uma reserva em **{what}** for criada, movida, "
              "atrasada, iniciada ou cancelada (assinatura {id}).",
        "fr": "C'est fait : vous recevrez un e-mail quand une réservation sur **{what}** sera "
              "créée, déplacée, retardée, démarrée ou annulée (abonnement {id}).",
    },
    "notify.none": {"en": "You have no subscriptions.", "de": "Sie haben keine Abos.",
                    "es": "No tiene suscripciones.", "pt": "Você não tem assinaturas.",
                    "fr": "Vous n'avez aucun abonnement."},
    "notify.list": {"en": "Your subscriptions: {items}.", "de": "Ihre Abos: {items}.",
                    "es": "Sus suscripciones: {items}.", "pt": "Suas assinaturas: {items}.",
                    "fr": "Vos abonnements : {items}."},
    # The approval queue (agent/offline/approvals.py).
    "approvals.ask_reason": {"en": "Why do you reject request #{id}? Please give a reason; the requester sees it.",
                             "de": "Warum lehnen Sie Anfrage #{id} ab? Bitte nennen Sie einen Grund; der Antragsteller sieht ihn.",
                             "es": "¿Por qué rechaza la solicitud #{id}? Indique un motivo; el solicitante lo verá.",
                             "pt": "Por que você rejeita a solicitação #{id}? Informe um motivo; o solicitante o verá.",
                             "fr": "Pourquoi refusez-vous la demande #{id} ? Donnez une raison ; le demandeur la verra."},
    "approvals.none": {"en": "No requests are waiting for approval.",
                       "de": "Keine Anfragen warten auf Genehmigung.",
                       "es": "No hay solicitudes pendientes de aprobación.",
                       "pt": "Nenhuma solicitação aguarda aprovação.",
                       "fr": "Aucune demande n'attend d'approbation."},
    "approvals.queue": {"en": "{n} request(s) waiting for approval, oldest first:\n\n{table}",
                        "de": "{n} Anfrage(n) warten auf Genehmigung, älteste zuerst:\n\n{table}",
                        "es": "{n} solicitud(es) pendientes de aprobación, la más antigua primero:\n\n{table}",
                        "pt": "{n} solicitação(ões) aguardando aprovação, a mais antiga primeiro:\n\n{table}",
                        "fr": "{n} demande(s) en attente d'approbation, la plus ancienne d'abord :\n\n{table}"},
    "approvals.listed": {"en": "{n} {state} request(s):\n\n{table}",
                         "de": "{n} Anfrage(n) ({state}):\n\n{table}",
                         "es": "{n} solicitud(es) ({state}):\n\n{table}",
                         "pt": "{n} solicitação(ões) ({state}):\n\n{table}",
                         "fr": "{n} demande(s) ({state}) :\n\n{table}"},
    "approvals.approved": {"en": "Approved request #{id}: it is scheduled now ({line}).",
                           "de": "Anfrage #{id} genehmigt: sie ist jetzt eingeplant ({line}).",
                           "es": "Solicitud #{id} aprobada: ya está programada ({line}).",
                           "pt": "Solicitação #{id} aprovada: agora está agendada ({line}).",
                           "fr": "Demande #{id} approuvée : elle est maintenant planifiée ({line})."},
    "approvals.rejected": {"en": "Rejected request #{id} ({reason}); its days are free again.",
                           "de": "Anfrage #{id} abgelehnt ({reason}); die Tage sind wieder frei.",
                           "es": "Solicitud #{id} rechazada ({reason}); sus días vuelven a estar libres.",
                           "pt": "Solicitação #{id} rejeitada ({reason}); seus dias estão livres de novo.",
                           "fr": "Demande #{id} refusée ({reason}) ; ses jours sont à nouveau libres."},
    "approvals.not_rejecting": {"en": "OK, I won't reject it.",
                                "de": "OK, ich lehne sie nicht ab.",
                                "es": "De acuerdo, no la rechazo.",
                                "pt": "Certo, não vou rejeitá-la.",
                                "fr": "D'accord, je ne la refuse pas."},
}  # fmt: skip

# The waitlist's texts live with it (agent/offline/waitlist_texts.py).
from dyno_agent.agent.offline import waitlist_texts  # noqa: E402

WORDS.update(waitlist_texts.WORDS)
MESSAGES.update(waitlist_texts.MESSAGES)

# Notes and references on bookings (issue 12), kept in their own module.
from dyno_agent.agent.offline.notes_catalogue import NOTE_MESSAGES, NOTE_WORDS  # noqa: E402

MESSAGES.update(NOTE_MESSAGES)
WORDS.update(NOTE_WORDS)
