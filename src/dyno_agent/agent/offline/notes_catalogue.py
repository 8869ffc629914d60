"""What the offline model says about notes and references on bookings (merged into `catalogue`)."""

# ruff: noqa: E501 (translations read best one per line)
from __future__ import annotations

NOTE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "h.noted": {
        "en": ("Booking", "Vehicle", "Dyno", "Start", "End", "Status", "Reference", "Note"),
        "de": ("Buchung", "Fahrzeug", "Prüfstand", "Beginn", "Ende", "Status", "Referenz", "Notiz"),
        "es": ("Reserva", "Vehículo", "Dinamómetro", "Inicio", "Fin", "Estado", "Referencia", "Nota"),
        "pt": ("Reserva", "Veículo", "Dinamômetro", "Início", "Fim", "Status", "Referência", "Nota"),
        "fr": ("Réservation", "Véhicule", "Banc", "Début", "Fin", "Statut", "Référence", "Note"),
    },
}  # fmt: skip

# A note is shown quoted and called what it is (text someone typed), never run as an instruction.
NOTE_MESSAGES: dict[str, dict[str, str]] = {
    "notes.reference": {"en": " Reference: {reference}.", "de": " Referenz: {reference}.",
                        "es": " Referencia: {reference}.", "pt": " Referência: {reference}.",
                        "fr": " Référence : {reference}."},
    "notes.note": {"en": " Note (as typed): “{note}”", "de": " Notiz (wörtlich): „{note}“",
                   "es": " Nota (tal cual): «{note}»", "pt": " Nota (como escrita): “{note}”",
                   "fr": " Note (telle quelle) : « {note} »"},
    "notes.added": {"en": "Noted on {allocation}.", "de": "Notiert bei {allocation}.",
                    "es": "Anotado en {allocation}.", "pt": "Anotado em {allocation}.",
                    "fr": "Noté sur {allocation}."},
    "notes.replaced": {"en": "Updated the note and reference of {allocation}.",
                       "de": "Notiz und Referenz aktualisiert: {allocation}.",
                       "es": "Nota y referencia actualizadas: {allocation}.",
                       "pt": "Nota e referência atualizadas: {allocation}.",
                       "fr": "Note et référence mises à jour : {allocation}."},
    "notes.found": {"en": "{count} whose note or reference mentions “{text}”",
                    "de": "{count}, deren Notiz oder Referenz „{text}“ enthält",
                    "es": "{count} cuya nota o referencia menciona «{text}»",
                    "pt": "{count} cuja nota ou referência menciona “{text}”",
                    "fr": "{count} dont la note ou la référence mentionne « {text} »"},
    "notes.none": {"en": "No booking's note or reference mentions “{text}”.",
                   "de": "Keine Notiz und keine Referenz enthält „{text}“.",
                   "es": "Ninguna nota ni referencia menciona «{text}».",
                   "pt": "Nenhuma nota ou referência menciona “{text}”.",
                   "fr": "Aucune note ni référence ne mentionne « {text} »."},
    "hint.note_overwrite": {
        "en": "To replace it, ask me to change the reference (e.g. \"change the ref on booking 12 to WO-5000\"); I will ask you to confirm first.",
        "de": "Zum Ersetzen bitten Sie mich, die Referenz zu ändern (z. B. „ändere die Referenz von Buchung 12 auf WO-5000“); ich frage vorher nach.",
        "es": "Para reemplazarla, pídeme que cambie la referencia; te pediré confirmación antes.",
        "pt": "Para substituí-la, peça para eu mudar a referência; vou pedir confirmação antes.",
        "fr": "Pour la remplacer, demandez-moi de changer la référence ; je vous demanderai de confirmer.",
    },
}  # fmt: skip
