{%- set modular = cookiecutter.selections.architecture[0] == "modular-monolith" -%}
"""/graphql: the GraphQL endpoint (POST, or GET for queries) and, in a browser, GraphiQL."""

from fastapi import Request
from graphql import GraphQLError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from app.api.deps import {% if modular %}ItemServiceDep, ReportServiceDep{% else %}ItemServiceDep{% endif %}
from app.api.graphql import Context, schema

INTERNAL = "INTERNAL_SERVER_ERROR"


async def get_context(items: ItemServiceDep{% if modular %}, reports: ReportServiceDep{% endif %}) -> Context:
    return Context(items{% if modular %}, reports{% endif %})


def coded(error: GraphQLError) -> GraphQLError:
    """The error as clients get it: every one with a code; a failure of the server itself
    with no detail (it is logged with its traceback)."""
    if error.extensions and "code" in error.extensions:
        return error
    if error.original_error is None:
        syntax = error.message.startswith("Syntax Error")
        code = "GRAPHQL_PARSE_FAILED" if syntax else "GRAPHQL_VALIDATION_FAILED"
        message = error.message
    else:
        code, message = INTERNAL, "Internal server error."
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), "code": code},
    )


class ItemsGraphQLRouter(GraphQLRouter[Context, None]):
    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [coded(error) for error in result.errors]
        return await super().process_result(request, result)


# Described by schema.graphql, not by the OpenAPI document (which keeps the HTTP endpoints).
router = ItemsGraphQLRouter(
    schema, path="/graphql", context_getter=get_context, include_in_schema=False
)
