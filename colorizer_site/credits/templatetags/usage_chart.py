"""`{% usage_chart user %}`: credits spent per day as a small server-side SVG bar chart."""

from django import template

from colorizer_site.credits.services import daily_spending

register = template.Library()

WIDTH, HEIGHT, AXIS = 600, 140, 18


@register.inclusion_tag("credits/includes/usage_chart.html")
def usage_chart(user, days: int = 30) -> dict:
    spending = daily_spending(user=user, days=days)
    peak = max((spent for _, spent in spending), default=0)
    slot = WIDTH / len(spending)
    plot = HEIGHT - AXIS
    bars = []
    for index, (day, spent) in enumerate(spending):
        height = round(plot * spent / peak, 1) if peak else 0
        bars.append(
            {
                "day": day,
                "spent": spent,
                "x": round(index * slot + slot * 0.15, 1),
                "y": round(plot - height, 1),
                "width": round(slot * 0.7, 1),
                "height": height,
            }
        )
    return {
        "bars": bars,
        "days": days,
        "total": sum(spent for _, spent in spending),
        "peak": peak,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": plot,
        "first": spending[0][0],
        "last": spending[-1][0],
    }
