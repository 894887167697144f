namespace IotSquares.Indicators.State;

/// <summary>Which program the indicators belong to: the display's first word and the LED meanings.</summary>
public enum IndicatorRole
{
    /// <summary>PiSquareServer: listens and serves many clients.</summary>
    Server,

    /// <summary>PiSquareClient: connects to one server and asks for squares.</summary>
    Client,
}
