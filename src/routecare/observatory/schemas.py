"""What analysts ask the observatory and what it answers: protected tables, never a row."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from routecare.observatory.facts import Event

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Route = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}(>[A-Z]{3}){1,9}$")]  # up to 8 transit
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_+-]{1,80}$")]
Transit = Annotated[str, StringConstraints(pattern=r"^([A-Z]{3}(>[A-Z]{3}){0,7}|none|unknown)$")]
AdminArea = Annotated[str, StringConstraints(pattern=r"^([A-Z]{2}-[A-Z0-9]{1,3}|unknown)$")]
# Multi-valued columns (values joined by the separator) -> separator. An `each_` dimension
# counts a fact once per value; a `with_` filter keeps the facts that hold the value.
MULTI_VALUED = {
    "transit_countries": ">",
    "exploitation_forms": "+",
    "means_of_control": "+",
    "recruitment_type": "+",
}
# Dimension counting once per value -> the multi-valued column it splits.
PER_VALUE = {
    "each_transit_country": "transit_countries",
    "each_exploitation_form": "exploitation_forms",
    "each_means_of_control": "means_of_control",
    "each_recruitment_type": "recruitment_type",
}
# Filter keeping the facts whose multi-valued column holds a value -> that column.
CONTAINS_FILTERS = {
    "via": "transit_countries",
    "with_exploitation_form": "exploitation_forms",
    "with_means_of_control": "means_of_control",
    "with_recruitment_type": "recruitment_type",
}
# Filters that compare one column with one value (the others are ranges or `event`).
EQUAL_FILTERS = (
    "reporting_country",
    "admin_area",
    "nationality",
    "sex",
    "age_band",
    "trafficking_status",
    "exploitation_forms",
    "means_of_control",
    "recruitment_type",
    "country_of_origin",
    "country_of_identification",
    "transit_countries",
    "route",
    "unaccompanied",
    "service",
)


class Dimension(StrEnum):
    """A column of the fact store an analyst may tabulate by (facts.COLUMNS)."""

    EVENT = "event"
    MONTH = "month"
    REPORTING_COUNTRY = "reporting_country"
    ADMIN_AREA = "admin_area"
    NATIONALITY = "nationality"
    SEX = "sex"
    AGE_BAND = "age_band"
    TRAFFICKING_STATUS = "trafficking_status"
    EXPLOITATION_FORMS = "exploitation_forms"
    MEANS_OF_CONTROL = "means_of_control"
    RECRUITMENT_TYPE = "recruitment_type"
    COUNTRY_OF_ORIGIN = "country_of_origin"
    COUNTRY_OF_IDENTIFICATION = "country_of_identification"
    TRANSIT_COUNTRIES = "transit_countries"
    ROUTE = "route"
    UNACCOMPANIED = "unaccompanied"
    SERVICE = "service"
    DAYS_TO_FIRST_SERVICE = "days_to_first_service"
    # Once per value of a multi-valued column (PER_VALUE): totals can exceed the children.
    EACH_TRANSIT_COUNTRY = "each_transit_country"
    EACH_EXPLOITATION_FORM = "each_exploitation_form"
    EACH_MEANS_OF_CONTROL = "each_means_of_control"
    EACH_RECRUITMENT_TYPE = "each_recruitment_type"


class Format(StrEnum):
    CSV = "csv"  # with the HXL hashtag row under the header
    JSON = "json"
    XLSX = "xlsx"
    PARQUET = "parquet"


class CrossTabQuery(BaseModel):
    """A cross-tabulation: counts of fact rows by 1 to 4 dimensions, with filters."""

    model_config = ConfigDict(extra="forbid")

    by: list[Dimension] = Field(min_length=1, max_length=4, description="Dimensions, in order")
    event: Event | None = Field(None, description="Count one event only (usual: identified)")
    month_from: Month | None = Field(None, description="First month counted, YYYY-MM")
    month_to: Month | None = Field(None, description="Last month counted, YYYY-MM")
    reporting_country: Country | None = None
    admin_area: AdminArea | None = Field(None, description="ISO 3166-2 admin-1, e.g. NE-1")
    nationality: Country | None = None
    sex: Code | None = None
    age_band: Code | None = None
    trafficking_status: Code | None = None
    exploitation_forms: Code | None = None
    means_of_control: Code | None = None
    recruitment_type: Code | None = None
    country_of_origin: Country | None = None
    country_of_identification: Country | None = None
    transit_countries: Transit | None = Field(None, description="In order, e.g. NER>LBY")
    route: Route | None = Field(None, description="Origin>…>identification, e.g. GIN>NER")
    unaccompanied: Code | None = None
    service: Code | None = None
    via: Country | None = Field(None, description="Only routes through this transit country")
    with_exploitation_form: Code | None = None
    with_means_of_control: Code | None = None
    with_recruitment_type: Code | None = None

    @model_validator(mode="after")
    def _one_per_value_dimension(self) -> CrossTabQuery:
        """Two `each_` dimensions would count a fact once per pair of values: refused, so a
        table's unit stays plain (fact rows, or fact rows per value of one column)."""
        if sum(dimension.value in PER_VALUE for dimension in self.by) > 1:
            raise ValueError("by: at most one each_ dimension per table")
        return self

    @property
    def per_value(self) -> str | None:
        """The `each_` dimension of the table, if any."""
        return next((d.value for d in self.by if d.value in PER_VALUE), None)

    def filters(self) -> dict[str, str]:
        """The filters set, by name (what a release records)."""
        skip = {"by", "format"}
        return {
            name: str(value)
            for name, value in self.model_dump(exclude_none=True).items()
            if name not in skip
        }


class DownloadQuery(CrossTabQuery):
    """A cross-tabulation to download, and the file format."""

    format: Format = Field(Format.CSV, description="csv carries an HXL hashtag row")


class CellOut(BaseModel):
    key: list[str] = Field(description="One value per dimension; 'All' for a margin")
    count: int | None = Field(description="None when suppressed")
    suppressed: bool


class CrossTabOut(BaseModel):
    """A protected table: every cell and margin, the small ones and their complements hidden."""

    dimensions: list[Dimension]
    filters: dict[str, str]
    k: int
    refreshed_at: datetime | None = Field(description="When the fact store was last refreshed")
    per_value: bool = Field(
        False,
        description="True when an each_ dimension counts a fact once per value of a "
        "multi-valued column: cells, margins and totals then count child-value pairs, and "
        "totals can exceed the children",
    )
    cells: list[CellOut]
