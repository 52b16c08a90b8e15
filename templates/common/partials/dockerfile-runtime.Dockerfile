{#- The runtime stage's ports, environment and health check, the same for every language's
    image (data.container: ports, env, healthcheck). -#}
EXPOSE 8000{% for extra in cookiecutter.data.container.get("ports", []) %} {{ extra.port }}{% endfor %}
{%- for name, value in cookiecutter.data.container.get("env", {}).items() %}
ENV {{ name }}={{ value }}
{%- endfor %}
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD [{{ cookiecutter.data.container.healthcheck | map("quote") | join(", ") }}]{# No final newline: included mid-document, the including line supplies it. #}