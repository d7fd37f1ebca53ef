"""Form widgets for the clerk desk: ``form_view.FormSectionView`` / ``LiveForm`` and the field
editors, generated from a form definition and shared by the clerk and kiosk shells."""
