package org.newsroom.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.StringSetting;

/** {"type": "stemmer", "language": "light_german"}: one filter for the stemmers {@link Stemmers} knows. */
@NamedComponent("stemmer")
public final class StemmerFilterFactory implements TokenFilterFactory {
    @AnalysisSettings
    public interface Settings {
        @StringSetting(path = "language", defaultValue = "english")
        String language();
    }

    private final Stemmers.Stemmer stemmer;

    @Inject
    public StemmerFilterFactory(Settings settings) {
        this.stemmer = Stemmers.forLanguage(settings.language());
    }

    @Override
    public TokenStream create(TokenStream input) {
        return stemmer.wrap(input);
    }
}
