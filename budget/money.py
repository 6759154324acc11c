"""Money arithmetic in one place: Decimal amounts with an explicit currency, rounded like a ledger.

The rules a finance person would expect, and the only ones Boardroom uses:
- amounts are `Decimal`, never float, and always carry an ISO 4217 currency;
- rounding is half-up to the cent, done at each line total (a cost item, a sponsor's
  contribution, a conversion), and totals are sums of those rounded figures;
- amounts in different currencies are never added: `Money + Money` of two currencies raises.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
# The largest amount a money column holds (14 digits, 2 of them cents). Figures are checked
# against it before they are multiplied further, so that no product outgrows Decimal's precision.
LARGEST_AMOUNT = Decimal("999999999999.99")

# Active ISO 4217 codes (2024). A code outside this list is a typo, not a new currency.
_ISO_4217_CODES = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY "
    "KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP "
    "MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR "
    "RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT "
    "TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR "
    "ZMW ZWG "
)
ISO_4217 = frozenset(_ISO_4217_CODES.split())


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were about to be added."""


def is_known_currency(code: str) -> bool:
    return code in ISO_4217


def to_cents(amount: Decimal | int | str) -> Decimal:
    """Round half-up to the cent: 2613.679625 -> 2613.68, 0.005 -> 0.01."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent` % of `amount`, rounded to the cent: 50 % of GBP 3,106.90 is 1,553.45."""
    return to_cents(amount * percent / HUNDRED)


def add_vat(net: Decimal, rate_percent: Decimal) -> tuple[Decimal, Decimal]:
    """(VAT, gross) for a net amount: the VAT is rounded, the gross is net + VAT."""
    vat = percent_of(net, rate_percent)
    return vat, net + vat


def vat_included_in(gross: Decimal, rate_percent: Decimal) -> tuple[Decimal, Decimal]:
    """(net, VAT) inside a gross amount: the net is rounded, the VAT is what remains."""
    net = to_cents(gross * HUNDRED / (HUNDRED + rate_percent))
    return net, gross - net


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money needs a Decimal amount, not {type(self.amount).__name__}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(ZERO, currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        sign = "\u2212" if self.amount < 0 else ""
        return f"{self.currency} {sign}{abs(self.amount):,.2f}"

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"Cannot add {other.currency} to {self.currency} without converting it first."
            )

    def rounded(self) -> Money:
        return Money(to_cents(self.amount), self.currency)

    def converted(self, *, rate: Decimal, to: str) -> Money:
        """This amount in `to` at `rate` units of `to` per unit of ours, rounded to the cent."""
        if to == self.currency:
            return self
        return Money(to_cents(self.amount * rate), to)


def total(amounts: Iterable[Money], currency: str) -> Money:
    """The sum of `amounts`, all in `currency` (an empty sum is zero in that currency)."""
    result = Money.zero(currency)
    for amount in amounts:
        result += amount
    return result
