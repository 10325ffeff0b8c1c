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
