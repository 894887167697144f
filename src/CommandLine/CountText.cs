using System.Globalization;

namespace IotSquares.CommandLine;

/// <summary>The one number style of the programs' output: thousands grouped with commas, whatever the locale (<c>100,000</c>).</summary>
public static class CountText
{
    /// <summary>Formats <paramref name="count"/> as <c>1,234,567</c>.</summary>
    public static string Format(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats a rate as a whole number, grouped (<c>15,234</c>).</summary>
    public static string Format(double rate) => rate.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 square", "2 squares": the count with the noun in the right number.</summary>
    public static string Of(long count, string singular, string plural) => $"{Format(count)} {(count == 1 ? singular : plural)}";
}
