package org.newsroom.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.StringSetting;

/** {"type": "snowball", "language": "Russian"}: the Snowball stemmer of that name, as the full distribution has it. */
@NamedComponent("snowball")
public final class SnowballFilterFactory implements TokenFilterFactory {
    @AnalysisSettings
    public interface Settings {
        @StringSetting(path = "language", defaultValue = "English")
        String language();
    }

    private final String language;

    @Inject
    public SnowballFilterFactory(Settings settings) {
        this.language = Stemmers.snowballName(settings.language());
    }

    @Override
    public TokenStream create(TokenStream input) {
        return new SnowballFilter(input, language);
    }
}
