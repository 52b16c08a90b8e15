

# The report function runs from the same package as the API function (another handler).
build-ReportFunction: package

# Hands the report function a sample batch from events/, against the table in .env.
invoke-report:
	$(UV_RUN) python -m app.report_handler {{ cookiecutter.data.report_function.event }}
