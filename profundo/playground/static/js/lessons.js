// Lessons (`tutorial=NAME` in the URL): a configuration to start from and a text to read beside
// it (its title and text are the i18n keys lesson_NAME_title and lesson_NAME). Settings given in
// the URL as well override the lesson's.

export const LESSONS = {
  one_neuron: "dataset=gauss&hidden=&features=x1,x2&learning_rate=0.1",
  features: "dataset=circle&hidden=&features=x1_sq,x2_sq&learning_rate=0.1",
  hidden_layer: "dataset=xor&hidden=4&features=x1,x2&learning_rate=0.1&activation=tanh",
  learning_rate: "dataset=spiral&hidden=8,8&features=x1,x2,sin_x1,sin_x2&learning_rate=3&optimizer=adam",
  backprop: "dataset=circle&hidden=3&batch_size=5&learning_rate=0.3",
  overfitting: "dataset=spiral&noise=0.3&n_points=200&train_ratio=0.2&hidden=8,8,8&features=x1,x2,x1_sq,x2_sq,x1x2,sin_x1,sin_x2&optimizer=adam&learning_rate=0.03",
};

// The course chapter each lesson goes with (docs/course/<language>/<file>.ipynb): the lesson panel
// names it, and chapter 14 of the course lists these links.
export const CHAPTERS = {
  one_neuron: { n: 1, es: "01_neurona_y_perceptron", en: "01_neuron_and_perceptron" },
  features: { n: 2, es: "02_redes_multicapa_y_activaciones", en: "02_multilayer_networks_and_activations" },
  hidden_layer: { n: 2, es: "02_redes_multicapa_y_activaciones", en: "02_multilayer_networks_and_activations" },
  learning_rate: { n: 3, es: "03_perdida_y_descenso_del_gradiente", en: "03_loss_and_gradient_descent" },
  backprop: { n: 4, es: "04_retropropagacion", en: "04_backpropagation" },
  overfitting: { n: 6, es: "06_generalizacion", en: "06_generalization" },
};
