"""The administration area in the app (not Django's admin): the agency administrator keeps the
agency's people and their roles, units, signers, notification settings and API accounts; an
administrator of a Sở Nội vụ keeps the agencies of the province and their first administrators;
superusers keep the national working-day calendar. Who may do what is in core.access
(`can_administer`, `can_keep_account`, `can_administer_province`, `can_edit_calendar`); every change
goes through `services` and is audited.
"""
