"""What analysts ask the observatory and what it answers: protected tables, never a row."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from routecare.observatory.facts import Event

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Route = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}(>[A-Z]{3}){1,8}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_+-]{1,80}$")]
# Filters that compare one column with one value (the others are ranges or `event`).
EQUAL_FILTERS = (
    "reporting_country",
    "nationality",
    "sex",
    "age_band",
    "trafficking_status",
    "exploitation_forms",
    "country_of_origin",
    "country_of_identification",
    "route",
    "unaccompanied",
    "service",
)


class Dimension(StrEnum):
    """A column of the fact store an analyst may tabulate by (facts.COLUMNS)."""

    EVENT = "event"
    MONTH = "month"
    REPORTING_COUNTRY = "reporting_country"
    NATIONALITY = "nationality"
    SEX = "sex"
    AGE_BAND = "age_band"
    TRAFFICKING_STATUS = "trafficking_status"
    EXPLOITATION_FORMS = "exploitation_forms"
    COUNTRY_OF_ORIGIN = "country_of_origin"
    COUNTRY_OF_IDENTIFICATION = "country_of_identification"
    ROUTE = "route"
    UNACCOMPANIED = "unaccompanied"
    SERVICE = "service"
    DAYS_TO_FIRST_SERVICE = "days_to_first_service"


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
    nationality: Country | None = None
    sex: Code | None = None
    age_band: Code | None = None
    trafficking_status: Code | None = None
    exploitation_forms: Code | None = None
    country_of_origin: Country | None = None
    country_of_identification: Country | None = None
    route: Route | None = Field(None, description="Origin>…>identification, e.g. GIN>NER")
    unaccompanied: Code | None = None
    service: Code | None = None

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
    cells: list[CellOut]
