"""The home page and the navigation around every page.

`modules` names the platform's modules and where each lives for an organisation; `navigation` works
out the organisation in view, its breadcrumbs and the year; `states` is the one place that reads the
county's verdict; `progress` counts the collection; `overview` gathers each role's to-do list.
"""
